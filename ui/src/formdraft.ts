// One mechanism for every form's draft (issue 17 item 4): a form's controls are read as a
// JSON snapshot and put back the same way, so a form gets drafts by one call to keepForm.
//
// - Answers are keyed by their place in the form (names and ids are often generated, so
//   they differ between two showings of the same form); a radio group is one answer, however
//   many options it offers at the moment. The draft also holds the form's layout (the kind
//   of each answer), and it is put back only into the same layout: if
//   the form has changed since (a contact added, an action removed), nothing is put back
//   and the worker is told so, rather than answers landing in the wrong boxes.
// - Only what the worker changed is kept: the difference from the form as it was first
//   shown. So nothing comes back chosen that the worker did not choose, and a value someone
//   else saved meanwhile is not overwritten by a stale copy of it.
// - Password boxes, and anything inside [data-no-draft] (a code word), are never kept.
// - A check-your-answers step is never kept: a draft restores to the form itself.
import { DraftKind, KeptDraft, keepDraft } from "./drafts";
import { h } from "./dom";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
type Values = Record<string, string | boolean>;

const NOT_KEPT = new Set(["password", "file", "hidden", "button", "submit", "reset", "image"]);

/** The controls of `root` a draft keeps, in document order. */
export function formControls(root: ParentNode): Control[] {
  return [...root.querySelectorAll<Control>("input, select, textarea")].filter(
    (c) => !(c instanceof HTMLInputElement && NOT_KEPT.has(c.type)) && !c.closest("[data-no-draft]"),
  );
}

/** One answer of a form: a control, or a radio group (by name) as one. A group is one
 *  answer whatever options it offers now, so a group whose options follow an earlier answer
 *  (a recipient's purposes) keeps the form's layout and every later answer's place. */
interface Answer {
  kind: string;
  controls: Control[];
}

const isRadio = (c: Control): c is HTMLInputElement => c instanceof HTMLInputElement && c.type === "radio";

/** The answers of `root`, in document order. */
export function formAnswers(root: ParentNode): Answer[] {
  const cs = formControls(root);
  const out: Answer[] = [];
  const groups = new Set<string>();
  for (const c of cs) {
    if (isRadio(c) && c.name) {
      if (groups.has(c.name)) continue;
      groups.add(c.name);
      out.push({ kind: "radio", controls: cs.filter((x) => isRadio(x) && x.name === c.name) });
    } else out.push({ kind: c instanceof HTMLInputElement ? c.type : c.tagName.toLowerCase(), controls: [c] });
  }
  return out;
}

/** The form's layout: the kind of each answer, in order. */
export function formShape(answers: Answer[]): string {
  return answers.map((a) => a.kind).join(",");
}

/** Every answer by its place: text as typed, a tick as true/false, a radio group as the value
 *  chosen ("" if none). */
export function formValues(answers: Answer[]): Values {
  const out: Values = {};
  answers.forEach(({ kind, controls }, i) => {
    const c = controls[0];
    if (!c) return;
    if (kind === "radio") out[String(i)] = (controls as HTMLInputElement[]).find((r) => r.checked)?.value ?? "";
    else if (c instanceof HTMLInputElement && c.type === "checkbox") out[String(i)] = c.checked;
    else out[String(i)] = c.value;
  });
  return out;
}

/** What differs in `now` from `base`. */
export function changedValues(now: Values, base: Values): Values {
  return Object.fromEntries(Object.entries(now).filter(([k, v]) => base[k] !== v));
}

function fire(c: Control, ...events: string[]) {
  for (const e of events) c.dispatchEvent(new Event(e, { bubbles: true }));
}

/** Puts `values` back, answer by answer in document order, reading the form again before
 *  each: a choice that changes later options (a recipient's purposes) is made first, and the
 *  next answer goes into the options it made. A value of the wrong type, or an option the
 *  form does not offer, is left out. */
function putBack(root: ParentNode, values: Values) {
  const n = formAnswers(root).length;
  for (let i = 0; i < n; i++) {
    const v = values[String(i)];
    const a = formAnswers(root)[i];
    const c = a?.controls[0];
    if (v === undefined || !a || !c) continue;
    if (a.kind === "radio") {
      const r = typeof v === "string" && v !== "" ? (a.controls as HTMLInputElement[]).find((x) => x.value === v) : undefined;
      if (r) {
        r.checked = true;
        fire(r, "change");
      }
    } else if (c instanceof HTMLInputElement && c.type === "checkbox") {
      if (typeof v === "boolean") {
        c.checked = v;
        fire(c, "change");
      }
    } else if (c instanceof HTMLSelectElement) {
      if (typeof v === "string" && [...c.options].some((o) => o.value === v)) {
        c.value = v;
        fire(c, "change");
      }
    } else if (typeof v === "string") {
      c.value = v;
      fire(c, "input", "change");
    }
  }
}

/** Whether a draft's body fits the form `root` is now: same layout, values an object. */
export function restoreForm(root: ParentNode, body: Record<string, unknown>): boolean {
  const values = body.values;
  if (body.shape !== formShape(formAnswers(root)) || typeof values !== "object" || values === null || Array.isArray(values)) return false;
  putBack(root, values as Values);
  return true;
}

/** The part of a draft a form keeps of its own (how many action rows it had, which referral). */
export function draftContext(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const c = body?.context;
  return typeof c === "object" && c !== null && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
}

let lastRestored: boolean | null = null;

/** Whether the last form opened from a draft had its answers put back (null: none opened). */
export function takeRestored(): boolean | null {
  const r = lastRestored;
  lastRestored = null;
  return r;
}

/** A kept form: `done()` deletes its draft; `snapshot()` is the draft's body as it stands. */
export interface KeptForm extends KeptDraft {
  snapshot: () => Record<string, unknown>;
}

/** Keeps the form `root` as this user's draft of `kind` for `client` (null for an enquiry),
 *  after putting back `restore` (a draft's body) if given. Call it once the form is built,
 *  before it is shown; `done()` when it is saved or cancelled. */
export function keepForm(kind: DraftKind, client: number | null, root: HTMLElement, restore?: Record<string, unknown>, context: () => Record<string, unknown> = () => ({})): KeptForm {
  const base = formValues(formAnswers(root));
  if (restore) {
    lastRestored = restoreForm(root, restore);
    if (!lastRestored) {
      root.prepend(
        h("div", { class: "notice warn", role: "note", id: "draft-not-restored" },
          "Your unfinished answers could not be put back: this form has changed since you left it (for example something was added or removed). It is shown as it is now."),
      );
    }
  }
  const snapshot = () => {
    const answers = formAnswers(root);
    return { shape: formShape(answers), values: changedValues(formValues(answers), base), context: context() };
  };
  return { ...keepDraft(kind, client, [root], snapshot), snapshot };
}
