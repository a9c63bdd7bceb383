// The form page: one skeleton for a form's screen (`formScreen`), its check-your-answers
// round trip (`formPage`: Change, refusals at their field, `sign`), and the recipient and
// purpose choosers of the consent, decline and share forms.
import { ClientView, PurposeOption } from "./api";
import { at, button, errorSummary, field, h, radios } from "./dom";
import { KeptDraft } from "./drafts";
import { fieldFor } from "./errors";
import { explain } from "./fieldnames";
import { clientCaption, focusField, showProblems } from "./forms";
import { main, message, show } from "./frame";
import { RECIPIENTS } from "./logic";
import { go } from "./router";

/** The purpose radios of the consent, decline and share forms: the recipient's purposes
 *  from the core's closed list, "Other…" with the words, and (for consent only) "Any
 *  purpose". Nothing is chosen at first. `value()` is what the core's one parser receives
 *  (a code, "general", or the words of "other"), or null when nothing usable is chosen. */
export function purposeChooser(purposes: PurposeOption[], recipient: () => string, id: string, general: boolean) {
  const options = (): Array<[string, string]> => [
    ...(general ? [["general", "Any purpose (general)"] as [string, string]] : []),
    ...purposes.filter((p) => p.recipient === recipient()).map((p) => [p.code, p.label] as [string, string]),
    ["other", "Other…"],
  ];
  const choice = radios("Purpose", id, options(), "", { id, hint: general ? "What the person agreed or did not agree to." : "What the information is for." });
  const other = h("input", { type: "text", id: `${id}-other` }) as HTMLInputElement;
  const otherField = field("The purpose in words", other, "Recorded as “other”. A refusal for any other purpose covers this one too.");
  const showOther = () => {
    otherField.hidden = choice.value() !== "other";
  };
  const refresh = () => {
    choice.setOptions(options());
    showOther();
  };
  choice.el.addEventListener("change", showOther);
  showOther();
  return {
    el: h("div", {}, choice.el, otherField),
    refresh,
    value: (): string | null => (choice.value() === "other" ? other.value.trim() || null : choice.value() || null),
    /** The purpose in words, for the check-your-answers summary. */
    label: (): string => (choice.value() === "other" ? `Other: ${other.value.trim()}` : choice.label()),
  };
}

/** The recipient radios (nothing chosen at first) with the purpose select that follows them. */
export function recipientAndPurpose(legend: string, purposes: PurposeOption[], id: string, general: boolean, chosen = "") {
  const recipient = radios(legend, `${id}-recipient`, RECIPIENTS, chosen);
  const purpose = purposeChooser(purposes, recipient.value, id, general);
  recipient.el.addEventListener("change", purpose.refresh);
  at("purpose", purpose.el);
  return { recipient, purpose };
}

/** A form's page as a function, so that "Change" on its check-your-answers page shows the
 *  same nodes again, every answer as the worker left it. */
export function formPage(nodes: Array<Node | null>, errors?: HTMLElement) {
  /** A refusal by the core on the check-your-answers page: back on the form, shown at the
   *  field it names when the form has that field; in `box` (that page's summary) otherwise. */
  const refused = (e: unknown, box: HTMLElement) => {
    const { path, message: words } = explain(message(e));
    const f = path && errors ? nodes.map((n) => (n instanceof HTMLElement ? fieldFor(n, path) : null)).find((x) => x) : null;
    if (!f || !errors) return void box.replaceChildren(errorSummary(message(e)));
    show(...nodes);
    showProblems(errors, main, [{ field: f, message: words }]);
  };
  return {
    render: () => show(...nodes),
    change: (f: HTMLElement) => {
      show(...nodes);
      focusField(f);
    },
    refused,
    /** "Confirm and sign" on the check-your-answers page: runs the signing command and what
     *  follows it; a refusal is shown as `refused` shows it. */
    sign: async (box: HTMLElement, act: () => Promise<void>) => {
      try {
        await act();
      } catch (e) {
        refused(e, box);
      }
    },
  };
}

/** The one skeleton of a form's screen: the caption of the client it is about (if any), the
 *  heading, what is read before the problems (`intro`), the problems (`errors`: every one at
 *  once, at the top and at its field), the questions (`form`), then the buttons in one group,
 *  the main one first. The form's draft (formdraft.ts `keepForm`, drafts.ts `keepDraft`) is
 *  kept by the caller, whose Cancel deletes it (`cancelKept`). Returns the form's page. */
export function formScreen(o: {
  client?: { case_reference: string; initials: string } | null;
  title: string;
  intro?: Array<Node | null>;
  errors: HTMLElement;
  form: Array<Node | null>;
  actions?: Array<HTMLElement | null>;
  /** The buttons stay in view while a long form scrolls (the risk checklist). */
  sticky?: boolean;
}) {
  return formPage([
    o.client ? clientCaption(o.client) : null,
    h("h1", {}, o.title),
    ...(o.intro ?? []),
    o.errors,
    ...o.form,
    o.actions ? h("div", { class: o.sticky ? "button-group sticky" : "button-group" }, ...o.actions) : null,
  ], o.errors);
}

/** A signing form's first page: the client, the heading, the problems, the questions, then
 *  Continue (to `next`, which checks the answers) and Cancel (back to the client). */
export function signingForm(rec: ClientView, title: string, errors: HTMLElement, form: HTMLElement, next: () => void, cancel: () => void = () => void go({ to: "client", id: rec.id })) {
  return formScreen({ client: rec, title, errors, form: [form], actions: [button("Continue", next), button("Cancel", cancel, "secondary")] });
}

/** Leaving a kept form (Cancel): its draft is deleted, then the client is shown. */
export function cancelKept(kept: KeptDraft, id: number): () => void {
  return () => void kept.done().then(() => go({ to: "client", id }));
}
