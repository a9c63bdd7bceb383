// The safe-contact card's own buttons (issue 17, item 5): "Confirmed with them today" (one
// signed step; the review date moves on by the vault's interval), "Log a contact attempt"
// (an outcome from a closed list, nothing chosen for the worker, and an optional short
// note), and the contact history read back from the signed log. Also the possible-duplicate
// warning shown before a new client is saved.
import { isCmdError } from "./api";
import type { CmdError } from "./api";
import type { ContactEvent } from "./bindings/ContactEvent";
import type { PossibleDuplicate } from "./bindings/PossibleDuplicate";
import { button, errorSummary, field, h, nextId, radios } from "./dom";
import { problems, showProblems } from "./forms";
import { longDate, todayIso } from "./logic";
import * as commands from "./commands";

/** The outcomes of an attempt, as the core knows them (`contact_log::AttemptOutcome`). */
export const OUTCOMES: Array<[string, string]> = [
  ["spoke", "Spoke to them"],
  ["no_answer", "No answer"],
  ["not_safe_to_talk", "Not safe to talk"],
  ["number_not_working", "Number not working"],
];

export const NOTE_MAX = 500;

function message(e: unknown): string {
  return isCmdError(e) ? (e as CmdError).message : "Something went wrong. Nothing was half-saved.";
}

/** Dates as people read them ("1 March 2027"): the one helper in logic.ts. */
export { longDate };

/** The laptop's local calendar day of a logged instant (RFC 3339, UTC): an entry written
 *  at 00:30 BST belongs to that day, not to the day before. */
export function localDay(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : todayIso(d);
}

/** One line of the contact history, in words. */
export function historyText(e: Pick<ContactEvent, "event" | "contact" | "outcome" | "flagged_for_review">): string {
  const which = e.contact ? `contact ${e.contact}` : "a contact";
  if (e.event === "safe_contact_confirmed") return `Confirmed ${which} with them`;
  if (e.event === "do_not_use_lifted") return `Made ${which} usable (it was marked do not use)`;
  const outcome = OUTCOMES.find(([v]) => v === e.outcome)?.[1] ?? "Attempt";
  return `Tried ${which}: ${outcome.toLowerCase()}${e.flagged_for_review ? " (flagged for review)" : ""}`;
}

/** The buttons under one usable contact on the card. `box` holds the attempt form;
 *  `done(text)` re-draws the client screen and says what happened. */
export function contactActions(client: number, contact: number, box: HTMLElement, done: (text: string) => void): HTMLElement {
  const confirm = async () => {
    try {
      const c = await commands.confirm_safe_contact({ client, contact });
      done(`Contact ${contact} confirmed today. Next review: ${longDate(c.review_due)} (in ${c.review_after_days} days).`);
    } catch (e) {
      box.replaceChildren(errorSummary(message(e)));
    }
  };
  return h(
    "div",
    { class: "button-group card-actions" },
    button("Confirmed with them today", () => void confirm(), "secondary", { "aria-label": `Confirmed with them today (contact ${contact})`, "data-action": "confirm" }),
    button("Log a contact attempt", () => attemptForm(client, contact, box, done), "secondary", { "aria-label": `Log a contact attempt (contact ${contact})`, "data-action": "attempt" }),
  );
}

/** The attempt form, in place under the contact: nothing chosen, a short note optional. */
function attemptForm(client: number, contact: number, box: HTMLElement, done: (text: string) => void) {
  const outcome = radios("How did it go?", nextId("outcome"), OUTCOMES);
  const note = h("input", { type: "text", maxlength: String(NOTE_MAX), autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
  const noteField = field("Note (optional)", note, `One line, at most ${NOTE_MAX} characters. Do not write the number here.`);
  const errors = h("div", {});
  const save = async () => {
    const gaps = problems<HTMLElement>([
      [outcome.value() !== "", outcome.el, "Select how the attempt went."],
      [note.value.trim().length <= NOTE_MAX, noteField, `The note must be ${NOTE_MAX} characters or fewer.`],
    ]);
    if (showProblems(errors, box, gaps)) return;
    try {
      await commands.log_contact_attempt({ client, contact, outcome: outcome.value(), note: note.value.trim() || null });
      const words = OUTCOMES.find(([v]) => v === outcome.value())?.[1] ?? "";
      const flagged = outcome.value() === "number_not_working" ? " The contact is flagged for review today." : "";
      done(`Attempt on contact ${contact} logged: ${words.toLowerCase()}.${flagged}`);
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  const titleId = nextId("attempt");
  box.replaceChildren(
    h(
      "div",
      { class: "ack attempt", role: "group", "aria-labelledby": titleId },
      h("h3", { id: titleId }, `Log a contact attempt on contact ${contact}`),
      errors,
      outcome.el,
      noteField,
      h("div", { class: "button-group" }, button("Save the attempt", () => void save()), button("Cancel", () => box.replaceChildren(), "secondary")),
    ),
  );
  (outcome.el.querySelector("input") as HTMLInputElement | null)?.focus();
}

/** The contact history under the card: confirmations, attempts and lifted do-not-use
 *  marks, newest first, from signed entries (notes only while details are shown). */
export async function contactHistory(client: number, names: boolean): Promise<HTMLElement> {
  let events: ContactEvent[] = [];
  try {
    events = await commands.contact_history({ client, names });
  } catch (e) {
    return h("section", { "aria-labelledby": "contact-history" }, h("h2", { id: "contact-history" }, "Contact history"), h("p", {}, message(e)));
  }
  const rows = [...events].reverse().map((e) =>
    h("tr", {}, h("td", {}, longDate(localDay(e.at))), h("td", {}, e.by ?? "unknown"), h("td", {}, historyText(e)), h("td", {}, e.note ?? "")),
  );
  return h(
    "section",
    { "aria-labelledby": "contact-history", id: "contact-history-section" },
    h("h2", { id: "contact-history" }, "Contact history"),
    rows.length
      ? h("table", { class: "table", id: "contact-history-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Date"), h("th", { scope: "col" }, "By"), h("th", { scope: "col" }, "What happened"), h("th", { scope: "col" }, "Note"))), h("tbody", {}, ...rows))
      : h("p", { class: "muted" }, "No confirmations or contact attempts logged yet."),
  );
}

/** Before a new client is saved: the clients who may be the same person. Resolves true to
 *  go ahead (none found, or the worker chose to continue), false to stop. */
export async function checkDuplicates(record: Record<string, unknown>, box: HTMLElement, open: (id: number) => void): Promise<boolean> {
  let found: PossibleDuplicate[];
  try {
    found = await commands.possible_duplicates({ record });
  } catch (e) {
    box.replaceChildren(errorSummary(message(e)));
    return false;
  }
  if (!found.length) return true;
  return new Promise((resolve) => {
    const why = (d: PossibleDuplicate) =>
      d.because.map((b) => (b === "phone" ? "the same phone number" : "the same date of birth and a similar name")).join(" and ");
    const titleId = nextId("dup");
    const panel = h(
      "div",
      { class: "notice warn duplicate", role: "alertdialog", "aria-labelledby": titleId, tabindex: "-1", id: "duplicate-warning" },
      h("h2", { id: titleId }, "This may be someone already on the caseload"),
      h("ul", {}, ...found.map((d) => h("li", {}, h("strong", {}, d.case_reference), ` has ${why(d)}. `, button(`Open ${d.case_reference}`, () => open(d.id), "link")))),
      h("p", {}, "Check before adding a second record for the same person: two records split the history and the safe-contact arrangements."),
      h(
        "div",
        { class: "button-group" },
        button("It is a different person: save the new client", () => {
          box.replaceChildren();
          resolve(true);
        }, "warning"),
        button("Do not save", () => {
          box.replaceChildren();
          resolve(false);
        }, "secondary"),
      ),
    );
    box.replaceChildren(panel);
    queueMicrotask(() => panel.focus());
  });
}
