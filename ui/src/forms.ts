// The parts every form that writes about a client shares: the client named above the
// heading, answers that start unchosen, every missing answer shown at its field, and the
// "check your answers" step before anything is signed. The pure parts (initial state, the
// summary's words, the problems) are unit-tested in forms.test.ts; the DOM parts build
// nodes with textContent only.
import { button, h } from "./dom";
import type { ConsentMethod } from "./bindings/ConsentMethod";
import type { ConsentState } from "./bindings/ConsentState";
import type { EnquiryChannel } from "./bindings/EnquiryChannel";
import type { Told } from "./bindings/Told";
import { RECIPIENTS, longDate, vocabulary } from "./logic";

/** A question's choices: each value with its words. */
export type Options<T extends string = string> = Array<[T, string]>;

// The core's closed vocabularies, typed by their generated bindings (logic.ts `vocabulary`).
export const CONSENT_STATES = vocabulary<ConsentState>({ given: "Consent given", refused: "Refused", withdrawn: "Withdrawn", not_sought: "Not sought", lacks_capacity: "Lacks capacity" });
export const CONSENT_METHODS = vocabulary<ConsentMethod>({ verbal: "Verbally", written: "In writing", other: "Other" });
export const TOLD = vocabulary<Told>({ yes: "Yes", no: "No", not_safe: "Not safe to tell" });
export const YES_NO: Options<"yes" | "no"> = [["yes", "Yes"], ["no", "No"]];
export const CHANNELS = vocabulary<EnquiryChannel>({ phone: "Phone", email: "E-mail", in_person: "In person", letter: "Letter", other: "Other" });

/** The consequential questions of each form that signs an entry, with their choices. A form
 *  builds its radio groups from `initialState` of these, so nothing starts chosen. */
export const FORMS = {
  consent: { recipient: RECIPIENTS, state: CONSENT_STATES, method: CONSENT_METHODS },
  decline: { recipient: RECIPIENTS },
  share: { recipient: RECIPIENTS, told: TOLD },
  enquiry: { channel: CHANNELS },
  newClient: { voicemail: YES_NO, identify: YES_NO },
} satisfies Record<string, Record<string, Options>>;

/** A form's answers before the worker has chosen any: every question unanswered (""). */
export function initialState<K extends string>(questions: Record<K, Options>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of Object.keys(questions) as K[]) out[k] = "";
  return out;
}

/** The words shown for a chosen value (the value itself if it is not one of the options). */
export function optionLabel(options: Options, value: string): string {
  return options.find(([v]) => v === value)?.[1] ?? value;
}

/** The client as every form names them: "CK-0042 · A.E." (never the full name). */
export function clientLine(rec: { case_reference: string; initials: string }): string {
  return `${rec.case_reference} · ${rec.initials}`;
}

export type { Problem } from "./errors";
export { clearProblems, showProblems } from "./errors";
import type { Problem } from "./errors";
import { focusInput } from "./errors";

/** Every problem of a form at once (not just the first): each check that fails. */
export function problems<F>(checks: Array<[boolean, F, string]>): Array<Problem<F>> {
  return checks.filter(([ok]) => !ok).map(([, field, message]) => ({ field, message }));
}

/** A row of the check-your-answers summary: the question in plain words, the answer in
 *  plain words ("Not given" when empty), and where "Change" goes back to. */
export interface SummaryRow<F = HTMLElement> {
  label: string;
  value: string;
  change?: F;
}

export function answerText(value: string | null | undefined): string {
  const v = (value ?? "").trim();
  return v === "" ? "Not given" : v;
}

/** The summary of a consent about to be signed. */
export function consentSummary<F>(a: { recipient: string; purpose: string; state: string; method: string; reason: string; review: string }, fields: { recipient: F; purpose: F; state: F; method: F; reason: F; review: F }): Array<SummaryRow<F>> {
  return [
    { label: "Who it is for", value: optionLabel(RECIPIENTS, a.recipient), change: fields.recipient },
    { label: "Purpose", value: answerText(a.purpose), change: fields.purpose },
    { label: "What they decided", value: optionLabel(CONSENT_STATES, a.state), change: fields.state },
    { label: "How it was given", value: optionLabel(CONSENT_METHODS, a.method), change: fields.method },
    { label: "Reason", value: answerText(a.reason), change: fields.reason },
    { label: "Review on", value: a.review ? a.review : a.state === "given" ? "In 3 months (the default)" : "Not given", change: fields.review },
  ];
}

/** The summary of a decision not to share about to be signed. */
export function declineSummary<F>(a: { recipient: string; purpose: string; reason: string }, fields: { recipient: F; purpose: F; reason: F }): Array<SummaryRow<F>> {
  return [
    { label: "Who asked", value: optionLabel(RECIPIENTS, a.recipient), change: fields.recipient },
    { label: "What they asked for", value: answerText(a.purpose), change: fields.purpose },
    { label: "Why you decided not to share", value: answerText(a.reason), change: fields.reason },
  ];
}

// ---------------------------------------------------------------- DOM

/** The client's case reference and initials, shown above a form's heading. */
export function clientCaption(rec: { case_reference: string; initials: string }): HTMLElement {
  return h("p", { class: "client-caption", id: "form-client" }, h("span", { class: "visually-hidden" }, "Client: "), clientLine(rec));
}

/** Moves focus to a field's first input (after "Change"). */
export function focusField(field: HTMLElement) {
  const input = field.querySelector<HTMLElement>("input:checked") ?? field.querySelector<HTMLElement>("input, select, textarea") ?? field;
  queueMicrotask(() => focusInput(input));
}

/** The check-your-answers screen's nodes: the client, the heading, the answers with a
 *  "Change" for each (back to the form, answers kept), and "Confirm and sign", the only
 *  button that signs. `confirm` gets the screen's error box for a refusal by the core. */
export function checkAnswers(opts: {
  /** The client the entry is about (absent for an enquiry, which names no client). */
  client?: { case_reference: string; initials: string };
  title: string;
  rows: SummaryRow[];
  note?: string;
  confirm: (errors: HTMLElement) => Promise<void>;
  change: (field: HTMLElement) => void;
  cancel: () => void;
}): Node[] {
  const errors = h("div", {});
  let busy = false;
  const sign = button("Confirm and sign", async () => {
    if (busy) return;
    busy = true;
    sign.disabled = true;
    try {
      await opts.confirm(errors);
    } finally {
      busy = false;
      sign.disabled = false;
    }
  }, "primary", { id: "confirm-sign" });
  return [
    opts.client ? clientCaption(opts.client) : null,
    h("h1", {}, opts.title),
    errors,
    h(
      "dl",
      { class: "summary check-answers", id: "check-answers" },
      ...opts.rows.flatMap((r) => {
        const change = r.change;
        return [
          h("dt", {}, r.label),
          h("dd", {}, r.value),
          h("dd", { class: "change" }, change ? button("Change", () => opts.change(change), "link", { "aria-label": `Change: ${r.label}` }) : ""),
        ];
      }),
    ),
    opts.note ? h("p", { class: "warning-text" }, opts.note) : null,
    h("div", { class: "button-group" }, sign, button("Cancel", opts.cancel, "secondary")),
  ].filter((n): n is HTMLElement => n !== null);
}

/** A MARAC referral (new, or an update of referral `n`) as the form stands. */
export interface MaracAnswers {
  referredOn: string | null;
  reason: string;
  meeting: string;
  agencies: string[];
  actions: Array<{ agency: string; owner: string; description?: string; due: string; done: boolean }>;
  /** "yes" or "no" when asked (a new referral, or one that does not hold it); null otherwise. */
  aware?: string | null;
}

/** The summary of a MARAC referral about to be signed. */
export function maracSummary<F>(a: MaracAnswers, fields: { referredOn: F; reason: F; meeting: F; agencies: F; actions: F; aware?: F }): Array<SummaryRow<F>> {
  const action = (x: MaracAnswers["actions"][number]) =>
    `${answerText(x.agency)} (${answerText(x.owner)})${x.description ? `: ${x.description}` : ""}, due ${x.due && x.due !== "missing" ? longDate(x.due) : "not given"}, ${x.done ? "done" : "open"}`;
  return [
    ...(a.referredOn === null ? [] : [{ label: "Date of referral", value: answerText(a.referredOn), change: fields.referredOn }]),
    { label: "Reason for referral", value: answerText(a.reason), change: fields.reason },
    ...(a.aware === null || a.aware === undefined || fields.aware === undefined
      ? []
      : [{ label: "Does the person know about this referral?", value: a.aware === "yes" ? "Yes, they know" : a.aware === "no" ? "No, they do not know" : answerText(""), change: fields.aware }]),
    { label: "Meeting date", value: a.meeting || "Not yet set", change: fields.meeting },
    { label: "Agencies present", value: a.agencies.length ? a.agencies.join(", ") : "None recorded", change: fields.agencies },
    { label: "Actions", value: a.actions.length ? a.actions.map(action).join("; ") : "None", change: fields.actions },
  ];
}

/** The consent situation in a few words, from the share gate's refusal (`share_preview`'s
 *  `gate.needs`, which begins with it): "Withdrawn", "Past its review date", "Not recorded". */
export function consentFromGate(needs: string | undefined): string {
  const n = needs ?? "";
  if (/past its review date/.test(n)) return "Past its review date";
  if (/^no consent is recorded/.test(n)) return "Not recorded";
  const m = /^consent for .*? is (\w+)/.exec(n);
  return m?.[1] ? optionLabel(CONSENT_STATES, m[1]) : "Not given";
}

/** The summary of an enquiry about to be signed. */
export function enquirySummary<F>(
  a: { channel: string; caller: string; organisation: string; callback: string; asked: string; response: string; verified: boolean; at: string },
  fields: { channel: F; caller: F; organisation: F; callback: F; asked: F; response: F; verified: F; at: F },
): Array<SummaryRow<F>> {
  return [
    { label: "How they got in touch", value: optionLabel(CHANNELS, a.channel), change: fields.channel },
    { label: "Who they said they were", value: answerText(a.caller), change: fields.caller },
    { label: "The organisation they said they were calling for", value: a.organisation.trim() || "None (a private caller)", change: fields.organisation },
    { label: "The call-back they gave", value: a.callback.trim() || "None", change: fields.callback },
    { label: "What they asked", value: answerText(a.asked), change: fields.asked },
    { label: "What you told them", value: answerText(a.response), change: fields.response },
    { label: "Identity verified", value: a.verified ? "Yes" : "No", change: fields.verified },
    { label: "When", value: a.at ? `${longDate(a.at)} at ${a.at.slice(11, 16)}` : "Now", change: fields.at },
  ];
}
