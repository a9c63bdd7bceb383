import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LIST_BOX_ROWS, h, inPageLink, listBox, listBoxRows } from "./dom";

// The tests run in node (vite.config.ts): a stand-in document records what h() does.
class FakeElement {
  attributes = new Map<string, string>();
  listeners: string[] = [];
  children: unknown[] = [];
  constructor(readonly tagName: string) {}
  setAttribute(k: string, v: string) { this.attributes.set(k, v); }
  addEventListener(type: string) { this.listeners.push(type); }
  append(c: unknown) { this.children.push(c); }
}

let created = 0;
beforeEach(() => {
  created = 0;
  vi.stubGlobal("document", {
    createElement: (tag: string) => { created += 1; return new FakeElement(tag); },
    createTextNode: (text: string) => ({ text }),
  });
});
afterEach(() => vi.unstubAllGlobals());

const fake = (el: unknown) => el as unknown as FakeElement;

describe("h() refuses attributes a record value could turn into a URL or a script", () => {
  it.each(["href", "src", "HREF", "Src", "srcset", "srcdoc", "action", "formaction", "xlink:href"])("refuses %s", (name) => {
    expect(() => h("a", { [name]: "javascript:alert(1)" })).toThrow(`h(): refused the "${name}" attribute on <a>`);
    expect(created, "nothing is built before the refusal").toBe(0);
  });
  it("refuses a string, number or true event handler, whatever its case", () => {
    expect(() => h("button", { onclick: "alert(1)" })).toThrow('refused the "onclick" attribute on <button>: an event handler must be a function');
    expect(() => h("img", { onError: "alert(1)" })).toThrow('refused the "onError" attribute');
    expect(() => h("div", { onmouseover: 1 })).toThrow('refused the "onmouseover"');
    expect(() => h("div", { onfocus: true })).toThrow('refused the "onfocus"');
  });
  it("still takes a function handler, text and the ordinary attributes", () => {
    const el = fake(h("button", { type: "button", class: "button", onclick: () => {}, disabled: true, hidden: false, title: undefined }, "Save"));
    expect(el.listeners).toEqual(["click"]);
    expect([...el.attributes]).toEqual([["type", "button"], ["class", "button"], ["disabled", ""]]);
    expect(el.children).toEqual([{ text: "Save" }]);
  });
});

describe("inPageLink()", () => {
  it("links to an element of this page by its id", () => {
    const a = fake(inPageLink("field-3", { class: "x" }, "The date"));
    expect(a.tagName).toBe("a");
    expect(a.attributes.get("href")).toBe("#field-3");
    expect(a.children).toEqual([{ text: "The date" }]);
  });
  it("refuses an empty id or one with spaces, and still refuses a URL among its attributes", () => {
    expect(() => inPageLink("", {})).toThrow("no usable id");
    expect(() => inPageLink("a b", {})).toThrow("no usable id");
    expect(() => inPageLink("ok", { href: "https://example.org" })).toThrow('refused the "href"');
  });
});

describe("no drop-down lists (their pop-up takes the keyboard from quick exit)", () => {
  it("h() refuses a <select> without a size of 2 or more, building nothing", () => {
    for (const attrs of [{}, { id: "x" }, { size: 1 }, { size: "1" }, { size: 0 }, { size: "many" }]) {
      // eslint-disable-next-line no-restricted-syntax -- the run-time refusal behind the lint rule
      expect(() => h("select", attrs)).toThrow('h(): refused the "size" attribute on <select>: a <select> must be a list box');
    }
    expect(created).toBe(0);
    expect(fake(h("select", { size: 2 })).attributes.get("size")).toBe("2");
  });
  it("a list box shows every row of a short list, at most LIST_BOX_ROWS, never fewer than 2", () => {
    expect([0, 1, 2, 5, LIST_BOX_ROWS, LIST_BOX_ROWS + 1, 300].map(listBoxRows)).toEqual([2, 2, 2, 5, LIST_BOX_ROWS, LIST_BOX_ROWS, LIST_BOX_ROWS]);
    const box = fake(listBox([["", "Any client"], ["1", "CK-0001 · A.S."], ["2", "CK-0002 · B.T."]], "1"));
    expect(box.tagName).toBe("select");
    expect(box.attributes.get("size")).toBe("3");
    const options = box.children.map((o) => fake(o));
    expect(options.map((o) => [o.attributes.get("value"), o.attributes.has("selected"), o.children])).toEqual([
      ["", false, [{ text: "Any client" }]],
      ["1", true, [{ text: "CK-0001 · A.S." }]],
      ["2", false, [{ text: "CK-0002 · B.T." }]],
    ]);
  });
});
