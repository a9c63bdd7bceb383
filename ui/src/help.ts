// Help: the caseworker's guide, in the app (issue 17 item 12). A "Help" button in the top
// bar on every screen, locked or not, opens it. The guide is docs/GUIDE.md, built into the
// app (Vite `?raw`), so it is always the guide of this version and opening it needs no
// network, browser or file viewer; Casekeep opens no network connection, and handing a
// file to the desktop's viewer could start one that does. The guide is drawn as a page of
// its own (headings, paragraphs, lists; pictures by their description) over the screen,
// which is hidden, not cleared: closing Help returns to it with nothing lost.
import guideText from "../../docs/GUIDE.md?raw";
import { button, h } from "./dom";
import { parseGuide } from "./guide";
import type { Block, Inline } from "./guide";
import { announceScreen } from "./screen";

let saved: Node[] | null = null;
let scrolled = 0;
let opener: HTMLElement | null = null;
let titleBefore = "";

function runs(parts: Inline[]): Node[] {
  return parts.map((p) => (p.strong ? h("strong", {}, p.text) : p.code ? h("code", {}, p.text) : document.createTextNode(p.text)));
}

function block(b: Block): Node {
  switch (b.kind) {
    case "heading":
      return h(b.level === 2 ? "h2" : "h3", {}, b.text);
    case "para":
      return h("p", {}, ...runs(b.parts));
    case "list":
      return h(b.ordered ? "ol" : "ul", { class: "list" }, ...b.items.map((i) => h("li", {}, ...runs(i))));
    case "picture":
      return h("p", { class: "picture-text" }, h("strong", {}, "Picture: "), b.alt);
  }
}

export function helpOpen(): boolean {
  return saved !== null;
}

/** Forgets the screen Help covered (a new screen was drawn, or the page was cleared). */
export function forgetHelp() {
  saved = null;
}

/** Closes Help: the screen it covered comes back as it was (its nodes, with whatever was
 *  typed in them), scrolled where it was, focus on the Help button. */
export function closeHelp() {
  const main = document.getElementById("main");
  if (!main || !saved) return;
  main.replaceChildren(...saved);
  saved = null;
  document.title = titleBefore;
  window.scrollTo(0, scrolled);
  opener?.focus({ preventScroll: true });
}

export function openHelp(from: HTMLElement | null) {
  const main = document.getElementById("main");
  if (!main || saved) return;
  opener = from;
  titleBefore = document.title;
  scrolled = window.scrollY;
  saved = Array.from(main.childNodes);
  const close = () => closeHelp();
  main.replaceChildren(
    h("div", { id: "help", class: "help" },
      h("h1", { "data-title": "Help" }, "Help: the caseworker's guide"),
      button("Close help", close, "secondary", { id: "close-help" }),
      h("p", { class: "hint" }, "This is the guide that came with this version of Casekeep. Press Ctrl+Shift+L at any time to lock and clear the screen."),
      ...parseGuide(guideText).map(block),
      button("Close help", close, "secondary")),
  );
  window.scrollTo(0, 0);
  announceScreen(main);
}

/** The top bar's Help button (the same place on every screen). */
export function helpButton(): HTMLButtonElement {
  const b = button("Help", () => (helpOpen() ? closeHelp() : openHelp(b)), "secondary", { id: "help-button" });
  return b;
}
