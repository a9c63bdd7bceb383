// A tiny DOM builder. Text always goes in through textContent, never innerHTML, so a
// record value can never become markup or script. Nor can it become a URL or a handler:
// h() refuses the attributes that load or navigate (href, src, ...) and any on* attribute
// that is not a function, so no string reaches a place the browser would follow or run.
// An in-page link (#id) is made by inPageLink(); `npm run lint` (eslint.config.js) bans
// innerHTML and the other ways round this file. Nor is there a drop-down list (a <select>
// without a size): see radios() and listBox().

type Attrs = Record<string, string | boolean | number | undefined | ((e: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** Attributes whose value the browser fetches, navigates to or renders as a document. */
const URL_ATTRIBUTES = new Set(["href", "src", "srcset", "srcdoc", "action", "formaction", "xlink:href"]);

function refuse(tag: string, name: string, why: string): never {
  throw new Error(`h(): refused the "${name}" attribute on <${tag}>: ${why}`);
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  for (const [k, v] of Object.entries(attrs)) {
    const name = k.toLowerCase();
    if (URL_ATTRIBUTES.has(name)) refuse(tag, k, "a URL attribute could carry a record value somewhere the browser follows (use inPageLink for a #id link)");
    if (name.startsWith("on") && v !== undefined && v !== false && typeof v !== "function") {
      refuse(tag, k, "an event handler must be a function, never a string of script");
    }
  }
  if (tag === "select" && !(Number(attrs.size) >= 2)) {
    refuse(tag, "size", "a <select> must be a list box (size 2 or more): a drop-down's pop-up takes the keyboard, so quick exit could not reach the page (use radios() or listBox())");
  }
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** A link to an element of this page (`href="#id"`): the one href h()'s callers need. */
export function inPageLink(id: string, attrs: Attrs, ...children: Child[]): HTMLAnchorElement {
  if (id === "" || /\s/.test(id)) throw new Error("inPageLink(): the target element has no usable id");
  const a = h("a", attrs, ...children);
  a.setAttribute("href", `#${id}`);
  return a;
}

let uid = 0;
export function nextId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled input in the GOV.UK pattern: label, optional hint, the input. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  const id = input.id || nextId("f");
  input.id = id;
  const hintEl = hint ? h("div", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "form-group" }, h("label", { for: id, class: "label" }, label), hintEl, input);
}

export function checkbox(label: string, checked = false, name?: string): { el: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "checkbox", id: nextId("c"), name, checked }) as HTMLInputElement;
  const el = h("div", { class: "checkbox" }, input, h("label", { for: input.id }, label));
  return { el, input };
}

/** A GOV.UK radios group: a fieldset whose legend asks the question, one radio per option.
 *  Casekeep has no drop-down lists: a native drop-down opens a pop-up menu that takes the
 *  keyboard (WebKitGTK), so Ctrl+Shift+L (quick exit) could not reach the page while it is
 *  open. A short list is radios; a long or data-driven one is a listBox(). `selected` is
 *  chosen at first (leave it out where the answer is weighty: nothing is chosen then).
 *  A change of choice fires a bubbling "change" event on `el`, as a select's did. */
export interface Radios {
  el: HTMLFieldSetElement;
  /** The chosen option's value, "" when none is chosen. */
  value: () => string;
  /** The chosen option's words, "" when none is chosen. */
  label: () => string;
  /** Offers these options instead, keeping the choice when it is still offered. */
  setOptions: (options: Array<[string, string]>) => void;
}

export function radios(
  legend: string,
  name: string,
  options: Array<[string, string]>,
  selected?: string,
  extra: { hint?: string; id?: string; disabled?: boolean; inline?: boolean } = {},
): Radios {
  const id = extra.id ?? nextId("rg");
  const hintId = `${id}-hint`;
  const group = h("div", { class: extra.inline ? "radios inline" : "radios" });
  const el = h(
    "fieldset",
    { class: "fieldset", id, "aria-describedby": extra.hint ? hintId : undefined, disabled: extra.disabled },
    h("legend", {}, legend),
    extra.hint ? h("div", { class: "hint", id: hintId }, extra.hint) : null,
    group,
  ) as HTMLFieldSetElement;
  let inputs: HTMLInputElement[] = [];
  const setOptions = (opts: Array<[string, string]>, chosen: string | undefined) => {
    const rows = opts.map(([value, label]) => {
      const input = h("input", { type: "radio", name, value, id: nextId("r"), checked: chosen !== undefined && value === chosen }) as HTMLInputElement;
      return { input, row: h("div", { class: "radio" }, input, h("label", { for: input.id }, label)) };
    });
    inputs = rows.map((r) => r.input);
    group.replaceChildren(...rows.map((r) => r.row));
  };
  const chosen = () => inputs.find((i) => i.checked);
  setOptions(options, selected);
  return {
    el,
    value: () => chosen()?.value ?? "",
    label: () => chosen()?.labels?.[0]?.textContent ?? "",
    setOptions: (opts) => setOptions(opts, chosen()?.value),
  };
}

/** How many rows a list box shows: all of a short list, at most LIST_BOX_ROWS (it scrolls),
 *  never fewer than 2 (a size of 1 would make it a drop-down again). */
export const LIST_BOX_ROWS = 8;
export function listBoxRows(options: number): number {
  return Math.min(Math.max(options, 2), LIST_BOX_ROWS);
}

/** A list box: a `<select size="N">`, which WebKitGTK draws in the page (no pop-up), for a
 *  long or data-driven list (a caseload's clients). Label it with field(); arrow keys move
 *  the choice, and `value` is "" until one is chosen unless `selected` names one. */
export function listBox(options: Array<[string, string]>, selected?: string): HTMLSelectElement {
  return h("select", { id: nextId("s"), size: listBoxRows(options.length) }, ...options.map(([v, l]) => h("option", { value: v, selected: v === selected }, l))) as HTMLSelectElement;
}

export function button(label: string, onclick: () => void, kind: "primary" | "secondary" | "warning" | "link" = "primary", extra: Attrs = {}): HTMLButtonElement {
  return h("button", { type: "button", class: `button ${kind}`, onclick, ...extra }, label) as HTMLButtonElement;
}

/** The GOV.UK error summary (errors.ts: every form's one error display). */
export { errorSummary } from "./errors";

/** Marks a form group (or fieldset) as the field a core field path names (`contacts[0].value`),
 *  so that a refusal naming that path is shown there (errors.ts). */
export function at<T extends HTMLElement>(path: string, el: T): T {
  el.dataset.path = path;
  return el;
}
