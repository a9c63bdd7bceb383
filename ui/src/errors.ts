// The GOV.UK error pattern, used by every form: an error summary at the top ("There is a
// problem", role="alert", focused) listing every problem as a link to its field; a message
// at each field ("Error: …"), the field's input marked aria-invalid and described by it;
// the window title prefixed "Error: " while errors show. A refusal from the core goes
// through `explain` (fieldnames.ts) first, so that it is shown in the reader's words and at
// the field it names. Nodes are built with textContent only.
import { h, inPageLink, nextId } from "./dom";
import { explain, pattern } from "./fieldnames";

/** One problem: the field (a form group or fieldset) it belongs to, the message, the input
 *  the summary's link focuses (default: the field's first input) and the inputs to mark
 *  invalid (default: that one). */
export interface Problem<F = HTMLElement> {
  field: F;
  message: string;
  target?: HTMLElement;
  invalid?: HTMLElement[];
}

const ERROR_CLASS = "field-error";
export const TITLE_PREFIX = "Error: ";

/** The window title with or without the "Error: " prefix. */
export function errorTitle(on: boolean) {
  const base = document.title.startsWith(TITLE_PREFIX) ? document.title.slice(TITLE_PREFIX.length) : document.title;
  document.title = on ? TITLE_PREFIX + base : base;
}

/** Removes the messages a previous attempt left at the fields, and the marks they set. */
export function clearProblems(scope: ParentNode) {
  const ids = new Set<string>();
  for (const m of scope.querySelectorAll(`.${ERROR_CLASS}`)) {
    if (m.id) ids.add(m.id);
    m.remove();
  }
  for (const g of scope.querySelectorAll(".has-error")) g.classList.remove("has-error");
  for (const i of scope.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  for (const d of scope.querySelectorAll("[aria-describedby]")) {
    const left = (d.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((t) => t && !ids.has(t));
    if (left.length) d.setAttribute("aria-describedby", left.join(" "));
    else d.removeAttribute("aria-describedby");
  }
}

function firstInput(field: HTMLElement): HTMLElement {
  if (field.matches("input, select, textarea")) return field;
  return field.querySelector<HTMLElement>("input:not([type=hidden]), select, textarea") ?? field;
}

function describe(el: Element, id: string) {
  const now = (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  if (!now.includes(id)) el.setAttribute("aria-describedby", [...now, id].join(" "));
}

/** Puts a problem's message at its field and marks its inputs; returns the input to link to. */
function markField(p: Problem): HTMLElement {
  const id = nextId("error");
  const msg = h("p", { class: ERROR_CLASS, id }, h("span", { class: "visually-hidden" }, "Error: "), p.message);
  const field = p.field;
  field.classList.add("has-error");
  const after = field.querySelector(":scope > .hint") ?? field.querySelector(":scope > legend, :scope > label");
  if (after) after.after(msg);
  else if (field.matches("input, select, textarea")) field.before(msg);
  else field.prepend(msg);
  const inputs = p.invalid?.length ? p.invalid : [firstInput(field)];
  for (const i of inputs) {
    i.setAttribute("aria-invalid", "true");
    describe(i, id);
  }
  // A group (a date's boxes, a question's choices) is described as a whole too, as its fieldset.
  if (field.matches("fieldset")) describe(field, id);
  const target = p.target ?? inputs[0];
  if (!target.id) target.id = nextId("field");
  return target;
}

/** Moves focus to an input (a summary link, or "Change" on check-your-answers). */
export function focusInput(target: HTMLElement) {
  target.focus();
  target.scrollIntoView({ block: "center" });
}

function summary(items: Array<{ message: string; target: HTMLElement | null }>): HTMLElement {
  const titleId = nextId("error-summary-title");
  const el = h(
    "div",
    { class: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": titleId },
    h("h2", { id: titleId }, "There is a problem"),
    h(
      "ul",
      { class: "list error-summary-list" },
      ...items.map(({ message, target }) =>
        h("li", {}, target
          ? inPageLink(target.id, { onclick: (e: Event) => { e.preventDefault(); focusInput(target); } }, message)
          : message),
      ),
    ),
  );
  return el;
}

/** Shows every problem of a form at once: the summary in `errors` (focused) and a message
 *  at each field. With none, clears the summary and the title's prefix. True if any. */
export function showProblems(errors: HTMLElement, scope: ParentNode, list: Problem[]): boolean {
  clearProblems(scope);
  if (list.length === 0) {
    errors.replaceChildren();
    errorTitle(false);
    return false;
  }
  const items = list.map((p) => ({ message: p.message, target: markField(p) }));
  const el = summary(items);
  errors.replaceChildren(el);
  errorTitle(true);
  queueMicrotask(() => el.focus());
  return true;
}

/** The field an error's path names on the current screen (`data-path`), if it shows one. */
export function fieldFor(scope: ParentNode, path: string): HTMLElement | null {
  // The field itself, else the one place showing that kind of field, else what holds it
  // (`contacts[0].safe_windows[1].from` is shown at contact 1's safe windows).
  for (let p = path; p; p = p.replace(/(\.[a-z_0-9]+|\[\d+\])$/, "")) {
    const exact = scope.querySelector<HTMLElement>(`[data-path="${p.replace(/"/g, "")}"]`);
    if (exact) return exact;
    const like = [...scope.querySelectorAll<HTMLElement>("[data-path]")].filter((e) => pattern(e.dataset.path ?? "") === pattern(p));
    if (like.length === 1) return like[0];
    if (!/(\.[a-z_0-9]+|\[\d+\])$/.test(p)) break;
  }
  return null;
}

/** The summary for one message — a refusal from the core, or a sentence of a screen's own.
 *  The core's message is put in the reader's words; once the summary is on the page, the
 *  field it names (if the screen has it) gets the message too and the summary links to it.
 *  `at` (a screen's own check) names the input or field the message is about instead.
 *  The title says "Error: " until the next screen. */
export function errorSummary(message: string, at?: HTMLElement): HTMLElement {
  const { path, message: words } = explain(message);
  const el = summary([{ message: words, target: null }]);
  queueMicrotask(() => {
    if (!el.isConnected) return;
    const scope: ParentNode = el.closest("main") ?? document;
    clearProblems(scope);
    errorTitle(true);
    const field = at ? (at.closest<HTMLElement>(".form-group, fieldset") ?? at) : path ? fieldFor(scope, path) : null;
    // A contact is named as its form names it ("Safe contact 1", "Do-not-use number 1"),
    // not by its place in the record ("Contact 2"), which the core's path gives.
    const legend = field?.closest("fieldset.item")?.querySelector(":scope > legend")?.textContent ?? "";
    const said = legend && /^Contact \d+: /.test(words) ? words.replace(/^Contact \d+: /, `${legend}: `) : words;
    if (field) el.querySelector("ul")?.replaceWith(summary([{ message: said, target: markField({ field, message: said }) }]).querySelector("ul") as HTMLElement);
    el.focus();
  });
  return el;
}
