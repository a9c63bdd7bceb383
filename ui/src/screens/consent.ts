// Consent: recording a consent decision, and a decision not to share.
import { ClientView, PurposeOption } from "../api";
import { dateInput } from "../dateinput";
import { at, field, h, radios } from "../dom";
import { keepForm } from "../formdraft";
import { cancelKept, recipientAndPurpose, signingForm } from "../formpage";
import { checkAnswers, CONSENT_METHODS, CONSENT_STATES, consentSummary, declineSummary, FORMS, initialState, problems, showProblems } from "../forms";
import { say, show } from "../frame";
import { longDate, todayIso } from "../logic";
import { go, type Routes } from "../router";
import * as commands from "../commands";

function consentForm(rec: ClientView, purposes: PurposeOption[], restore?: Record<string, unknown>) {
  const init = initialState(FORMS.consent);
  const { recipient, purpose } = recipientAndPurpose("Who is it for?", purposes, "consent-purpose", true, init.recipient);
  const state = radios("What did they decide?", "state", CONSENT_STATES, init.state);
  const method = radios("How was it given?", "method", CONSENT_METHODS, init.method);
  const reason = h("textarea", { rows: "2" }) as HTMLTextAreaElement;
  const review = dateInput({ label: "Review on", future: true, today: todayIso(), path: "review_on", hint: "Leave empty: a consent given is reviewed after 3 months. For example, 12 4 2027" });
  const reasonField = at("reason", field("Reason", reason, "Required when consent was not sought."));
  const reviewField = review.el;
  const errors = h("div", {});
  const form = h("div", { id: "consent-form" }, recipient.el, purpose.el, state.el, method.el, reasonField, reviewField);
  const kept = keepForm("consent", rec.id, form, restore);
  const page = signingForm(rec, "Record consent", errors, form, () => next(), cancelKept(kept, rec.id));
  const next = () => {
    const gaps = problems<HTMLElement>([
      [!!recipient.value(), recipient.el, "Choose who it is for."],
      [purpose.value() !== null, purpose.el, "Choose the purpose (or “Any purpose”), or write the other purpose in words."],
      [!!state.value(), state.el, "Choose what they decided."],
      [!!method.value(), method.el, "Choose how it was given."],
      [state.value() !== "not_sought" || !!reason.value.trim(), reasonField, "Write why consent was not sought."],
    ]);
    const reviewProblem = review.problem();
    if (reviewProblem) gaps.push(reviewProblem);
    if (showProblems(errors, form, gaps)) return;
    const answers = { recipient: recipient.value(), purpose: purpose.label(), state: state.value(), method: method.value(), reason: reason.value, review: longDate(review.value) };
    show(...checkAnswers({
      client: rec,
      title: "Check your answers before signing the consent",
      rows: consentSummary(answers, { recipient: recipient.el, purpose: purpose.el, state: state.el, method: method.el, reason: reasonField, review: reviewField }),
      note: "Signing records this consent for good: it is kept in the signed log and cannot be edited, only replaced by a newer decision.",
      change: page.change,
      cancel: cancelKept(kept, rec.id),
      confirm: (box) =>
        page.sign(box, async () => {
          await commands.record_consent({ consent: { client: rec.id, recipient: recipient.value(), state: state.value(), method: method.value(), purpose: purpose.value(), reason: reason.value || null, review_on: review.value || null } });
          await kept.done();
          await go({ to: "client", id: rec.id });
          say("Consent recorded and signed.");
        }),
    }));
  };
  page.render();
}

function declineForm(rec: ClientView, purposes: PurposeOption[], restore?: Record<string, unknown>) {
  const init = initialState(FORMS.decline);
  const { recipient, purpose } = recipientAndPurpose("Who asked?", purposes, "decline-purpose", false, init.recipient);
  const reason = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const reasonField = at("reason", field("Why you decided not to share", reason, "At least 10 characters. This is signed and kept."));
  const errors = h("div", {});
  const form = h("div", { id: "decline-form" }, recipient.el, purpose.el, reasonField);
  const kept = keepForm("decline", rec.id, form, restore);
  const page = signingForm(rec, "Record a decision not to share", errors, form, () => next(), cancelKept(kept, rec.id));
  const next = () => {
    const gaps = problems<HTMLElement>([
      [!!recipient.value(), recipient.el, "Choose who asked."],
      [purpose.value() !== null, purpose.el, "Choose what was asked for, or write it in words."],
      [[...reason.value.trim()].length >= 10, reasonField, "Write why you decided not to share, in at least 10 characters."],
    ]);
    if (showProblems(errors, form, gaps)) return;
    show(...checkAnswers({
      client: rec,
      title: "Check your answers before signing the decision",
      rows: declineSummary({ recipient: recipient.value(), purpose: purpose.label(), reason: reason.value }, { recipient: recipient.el, purpose: purpose.el, reason: reasonField }),
      note: "Signing records this decision for good in the signed log.",
      change: page.change,
      cancel: cancelKept(kept, rec.id),
      confirm: (box) =>
        page.sign(box, async () => {
          await commands.decline({ client: rec.id, recipient: recipient.value(), purpose: purpose.value() ?? "", reason: reason.value });
          await kept.done();
          await go({ to: "client", id: rec.id });
          say("Decision recorded and signed.");
        }),
    }));
  };
  page.render();
}

export const routes: Routes<"consent" | "decline"> = {
  consent: (r) => consentForm(r.rec, r.purposes, r.restore),
  decline: (r) => declineForm(r.rec, r.purposes, r.restore),
};
