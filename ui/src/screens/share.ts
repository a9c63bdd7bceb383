// Sharing: the share wizard (who and why, then what leaves and the answers a signed share
// needs), the receipt, and share requests (a manager reviews one; the worker finishes it).
import { ClientDetails, LogEntry, PurposeOption, QueueItem, ShareReceipt } from "../api";
import { at, button, checkbox, errorSummary, field, h, radios } from "../dom";
import { draftContext, keepForm, KeptForm } from "../formdraft";
import { cancelKept, formScreen, recipientAndPurpose, signingForm } from "../formpage";
import { checkAnswers, consentFromGate, FORMS, initialState, optionLabel, problems, showProblems, TOLD, type Options } from "../forms";
import { chooseOut, message, show } from "../frame";
import { LAWFUL_BASES, longDate, maskedKind, recipientLabel } from "../logic";
import { placeLabel, plainDateTime, technicalDetails } from "../plain";
import { go, type Routes } from "../router";
import type { SharePreview } from "../api";
import * as commands from "../commands";

/** The formats a share leaves in. */
const FORMATS: Options<"pdf" | "json"> = [["pdf", "PDF summary"], ["json", "JSON for systems"]];

/** What the share wizard shows before a share (api.ts). */
type Preview = SharePreview;

async function shareWizard(rec: ClientDetails, purposes: PurposeOption[], restore?: Record<string, unknown>) {
  const init = initialState(FORMS.share);
  const { recipient, purpose } = recipientAndPurpose("Who are you sharing with?", purposes, "share-purpose", false, init.recipient);
  const errors = h("div", {});
  const form = h("div", { id: "share-who-form" }, recipient.el, purpose.el);
  // A draft made on step 2 holds step 1's answers too: both are put back, step 2 shown.
  const step1 = draftContext(restore).step1;
  const onStep2 = typeof step1 === "object" && step1 !== null && !Array.isArray(step1);
  const kept = keepForm("share", rec.id, form, onStep2 ? (step1 as Record<string, unknown>) : restore);
  const next = async (step2?: Record<string, unknown>) => {
    const gaps = problems<HTMLElement>([
      [!!recipient.value(), recipient.el, "Choose who you are sharing with."],
      [purpose.value() !== null, purpose.el, "Say what the information is for: choose a purpose, or write it in words."],
    ]);
    if (showProblems(errors, form, gaps)) return;
    await shareStep2(rec, { recipient: recipient.value(), purpose: purpose.value() ?? "", purposeLabel: purpose.label() }, page.change, { recipient: recipient.el, purpose: purpose.el }, kept, step2);
  };
  const page = signingForm(rec, "Share: who and why", errors, form, () => void next(), cancelKept(kept, rec.id));
  page.render();
  if (onStep2) await next(restore);
}

/** Step 2 of a share: what leaves, the answers a signed share needs (nothing chosen for the
 *  worker: not the lawful basis, not whether the person was told), then check your answers.
 *  `back` returns to step 1 with its answers kept (a new recipient or purpose means a new
 *  preview, so step 2 starts again from there). */
async function shareStep2(rec: ClientDetails, who: { recipient: string; purpose: string; purposeLabel: string }, back: (f: HTMLElement) => void, step1: { recipient: HTMLElement; purpose: HTMLElement }, keptStep1: KeptForm, restore?: Record<string, unknown>) {
  const { recipient, purpose } = who;
  const args = { client: rec.id, recipient, purpose, emergency: false, excerpts: [] as number[] };
  let p: Preview;
  try {
    p = await commands.share_preview({ share: args });
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const init = initialState(FORMS.share);
  const basis = radios("Lawful basis", "basis", LAWFUL_BASES, "", { id: "lawful-basis" });
  const justification = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const told = radios("Was the person told?", "told", TOLD, init.told);
  at("told", told.el);
  const advice = h("input", { type: "text" }) as HTMLInputElement;
  const emergency = checkbox("Emergency: share now, a manager approves afterwards");
  const format = radios("Format", "format", FORMATS, "pdf");
  const excerpts = rec.notes.map((n) => ({ id: n.id, date: n.date, box: checkbox(`Note ${n.id} (${longDate(n.date)})`) }));
  const errors = h("div", {});
  // What leaves, exactly as it will leave: the fields, then the picked excerpts and every
  // masking the firewall applied. Asked of the core again whenever the excerpts change,
  // so the worker reads each excerpt as the recipient will (each ask is an audited read).
  const leaving = h("div", { id: "share-leaving" });
  let current = p;
  const drawLeaving = (q: Preview) => {
    current = q;
    // Contacts as the export shows them: the do-not-contact warnings first, then the safe
    // route with its instructions; never a "do not use: yes" line among the fields.
    leaving.replaceChildren(
      ...(q.do_not_contact.length
        ? [h("div", { class: "notice warn", id: "share-do-not-contact" },
            h("h2", {}, "Do not contact on these"),
            h("ul", { class: "list" }, ...q.do_not_contact.map((d) => h("li", {}, h("strong", {}, d.warning), d.reason ? ` Why: ${d.reason}` : ""))))]
        : []),
      ...(q.safe_contacts.length
        ? [h("h2", {}, "How to contact safely"),
            h("ul", { class: "list", id: "share-safe-contacts" }, ...q.safe_contacts.map((c, n) =>
              h("li", {}, `Safe contact ${n + 1}: ${c.value ?? "(not shared)"}${c.channel ? ` (${c.channel})` : ""}`,
                h("ul", {}, ...c.instructions.map((i) => h("li", {}, i))))))]
        : []),
      h("h2", {}, "Will be shared"),
      h("ul", { class: "list" }, ...q.will_share.filter((f) => !f.path.startsWith("contact[]")).map((f) => h("li", {}, `${f.label}: ${f.value}`))),
      ...(q.excerpts.length ? [h("h2", {}, "Note excerpts, as they will leave")] : []),
      ...q.excerpts.map((x) => h("blockquote", { class: "excerpt", "data-note": x.note_id }, h("p", { class: "caption" }, `Note ${x.note_id}`), h("p", {}, x.text))),
      h("h2", {}, "Masked by the disclosure firewall"),
      q.masked.length
        ? h("ul", { class: "list", id: "share-masked" }, ...q.masked.map((m) => h("li", {}, `${placeLabel(m.path)}: ${maskedKind(m.kind)} masked`)))
        : h("p", { id: "share-masked" }, "Nothing was masked."),
    );
  };
  drawLeaving(p);
  const picked = () => excerpts.filter((x) => x.box.input.checked).map((x) => x.id);
  for (const x of excerpts) {
    x.box.input.addEventListener("change", async () => {
      try {
        drawLeaving(await commands.share_preview({ share: { ...args, excerpts: picked() } }));
        errors.replaceChildren();
      } catch (e) {
        // A pick the firewall refuses (say, an excerpt that would be nothing but masks).
        x.box.input.checked = false;
        errors.replaceChildren(errorSummary(message(e)));
      }
    });
  }
  const basisField = at("lawful_basis", basis.el);
  const justificationField = at("justification", field("Justification", justification, "Why sharing is necessary and proportionate without consent. At least 10 characters."));
  const gateBox = p.gate.allowed
    ? h("div", { class: "notice ok" }, `Consent for ${recipientLabel(recipient)} is given and current: this share may go ahead.`)
    : h("div", { class: "notice warn" }, h("p", {}, p.gate.needs ?? ""),
        basisField,
        justificationField,
        h("h2", {}, "Manager approval"),
        h("p", {}, "Ask a manager to approve this share: they approve or reject it in their own session, and once approved you finish it from your work queue. In an emergency, share now and a manager approves afterwards."),
        emergency.el);
  // The share as the form now stands (the same words for a share and for a request).
  const asked = () => ({
    ...args,
    lawful_basis: basis.value() || null,
    justification: justification.value || null,
    told: told.value() || null,
    advice: advice.value || null,
    emergency: emergency.input.checked,
    excerpts: picked(),
  });
  const adviceField = field("Advice sought (optional)", advice);
  const form = h("div", { id: "share-form" },
    gateBox,
    p.referrer_missing
      ? h("div", { class: "notice warn", id: "referrer-missing" }, h("p", {}, `${p.referrer_missing}. Until then the referral says "Not set in Casekeep: ask the referrer" in their place.`))
      : null,
    h("h2", {}, "Will not be shared, and why"),
    h("ul", { class: "list withheld" }, ...p.withheld.map((w) => h("li", {}, `${w.label}: ${w.reason}`))),
    excerpts.length ? h("fieldset", { class: "fieldset" }, h("legend", {}, "Add note excerpts (each is shown below as it will leave)"), ...excerpts.map((x) => x.box.el)) : null,
    leaving,
    told.el,
    adviceField,
    format.el);
  // Step 2's draft replaces step 1's (one per form and client) and holds it.
  const keptStep2 = keepForm("share", rec.id, form, restore, () => ({ step1: keptStep1.snapshot() }));
  const kept = { done: () => keptStep2.done().then(() => keptStep1.done()) };
  // A share (or a request for approval) needs every answer: whether the person was told,
  // and without consent a lawful basis and a justification.
  const gaps = (request: boolean) =>
    problems<HTMLElement>([
      [p.gate.allowed || request || emergency.input.checked, emergency.el, "Without consent, tick Emergency to share now, or ask a manager to approve."],
      [p.gate.allowed || !!basis.value(), basisField, "Choose the lawful basis for sharing without consent."],
      [p.gate.allowed || [...justification.value.trim()].length >= 10, justificationField, "Write why sharing is necessary and proportionate without consent, in at least 10 characters."],
      [!!told.value(), told.el, "Say whether the person was told about the share."],
    ]);
  const consentWords = p.gate.allowed ? "Given and current" : `${consentFromGate(p.gate.needs)}: sharing without consent, on a lawful basis`;
  const review = (request: boolean) => {
    if (showProblems(errors, form, gaps(request))) return;
    const a = asked();
    const emergencyNow = !request && a.emergency;
    const rows = [
      { label: "Recipient", value: recipientLabel(recipient), change: step1.recipient, back: true },
      { label: "Purpose", value: who.purposeLabel, change: step1.purpose, back: true },
      { label: "Consent", value: consentWords },
      ...(p.gate.allowed
        ? []
        : [
            { label: "Lawful basis", value: optionLabel(LAWFUL_BASES, a.lawful_basis ?? ""), change: basisField },
            { label: "Justification", value: a.justification ?? "", change: justificationField },
            { label: request ? "Manager approval" : "Emergency", value: request ? "Asked for now; nothing leaves until a manager approves" : emergencyNow ? "Yes: shared now, a manager approves afterwards" : "No", change: request ? undefined : emergency.el },
          ]),
      { label: "Was the person told?", value: optionLabel(TOLD, a.told ?? ""), change: told.el },
      { label: "Advice sought", value: a.advice ?? "None", change: adviceField },
      { label: "What will leave", value: current.will_share.map((f) => f.label).join(", ") || "Nothing", change: undefined },
      { label: "Note excerpts", value: a.excerpts.length ? a.excerpts.map((n) => `Note ${n}`).join(", ") : "None" },
      ...(request ? [] : [{ label: "Format", value: format.value() === "json" ? "JSON for systems" : "PDF summary", change: format.el }]),
    ];
    const backTo = new Set(rows.filter((r) => r.back).map((r) => r.change));
    show(...checkAnswers({
      client: rec,
      title: request ? "Check your answers before asking for approval" : `Check your answers before sharing with ${recipientLabel(recipient)}`,
      rows: rows.map(({ label, value, change }) => ({ label, value, change })),
      note: request
        ? "Signing records the request in the signed log. Nothing leaves until a manager approves it."
        : "Signing records this disclosure for good in the signed log, then saves the file.",
      change: (f) => (backTo.has(f) ? back(f) : page.change(f)),
      cancel: cancelKept(kept, rec.id),
      confirm: async (box) => {
        try {
          if (request) {
            const id = await commands.request_share({ share: { ...a, emergency: false } });
            await kept.done();
            show(
              h("h1", {}, "Approval asked for"),
              h("div", { class: "notice ok", id: "share-requested" },
                h("p", {}, `Share request ${id} is signed and waits for a manager.`),
                h("p", {}, "Nothing has left yet. When a manager approves it, finish the share from your work queue.")),
              button("Back to the client", () => void go({ to: "client", id: rec.id })),
            );
            return;
          }
          const out = await chooseOut(recipient, format.value());
          if (out === undefined) return;
          const receipt = await commands.share({ share: { ...a, format: format.value(), out } });
          await kept.done();
          shared(receipt, "Back to the client", () => void go({ to: "client", id: rec.id }));
        } catch (e) {
          page.refused(e, box);
        }
      },
    }));
  };
  const askButton = p.gate.allowed ? null : button("Ask a manager to approve", () => review(true), "secondary", { id: "ask-approval" });
  const page = formScreen({
    client: rec,
    title: `Share with ${recipientLabel(recipient)}: what leaves`,
    errors,
    form: [form],
    actions: [button("Continue to check your answers", () => review(false), "primary", { id: "share-continue" }), askButton, button("Cancel", cancelKept(kept, rec.id), "secondary")],
  });
  page.render();
}

function shared(receipt: ShareReceipt, backLabel: string, back: () => void) {
  show(
    h("h1", {}, "Shared"),
    h("div", { class: "notice ok", id: "share-receipt" },
      h("p", {}, `Disclosure record ${receipt.decision_id} is signed and kept.`),
      h("p", {}, "Saved to: ", h("code", { id: "share-file" }, receipt.file)),
      h("p", {}, `${receipt.fields_shared} ${receipt.fields_shared === 1 ? "detail" : "details"} shared, ${receipt.fields_withheld} withheld.`),
      receipt.approval === "awaiting" ? h("p", {}, h("strong", {}, "Awaiting a manager's approval.")) : null,
      technicalDetails([["Shared at", plainDateTime(new Date())], ["File fingerprint (SHA-256)", receipt.sha256]])),
    button(backLabel, back),
  );
}

/** The work queue's button for a share request: a manager reviews another worker's
 *  request; the worker who asked finishes an approved one. */
export function requestAction(i: QueueItem): HTMLElement | null {
  const id = i.request;
  if (id === null) return null;
  if (i.kind === "share_request") return button("Review", () => void go({ to: "reviewRequest", item: i, id }), "link", { "aria-label": `Review share request ${id}`, "data-request": id });
  if (i.kind === "request_approved") return button("Finish", () => void go({ to: "finishRequest", id }), "link", { "aria-label": `Finish share request ${id}`, "data-request": id });
  return null;
}

/** A manager reads the signed request (what was asked, the basis, the paths that would
 *  leave — never their values) and approves or rejects it in their own session. */
async function reviewRequest(i: QueueItem, id: number) {
  let entry: LogEntry | undefined;
  try {
    entry = (await commands.log_entries({ client: i.client_id })).find((e) => e.seq === id && e.event === "share_requested");
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  if (!entry) return show(errorSummary("That share request is no longer in the log."));
  const b = (entry.body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "—");
  const list = (k: string) => (Array.isArray(b[k]) ? (b[k] as unknown[]).map(String).join(", ") || "none" : "none");
  const reason = h("textarea", { rows: "3", id: "reject-reason" }) as HTMLTextAreaElement;
  const errors = h("div", {});
  const decided = (words: string) =>
    show(h("h1", {}, words), h("div", { class: "notice ok", id: "request-decided" }, h("p", {}, `${words}: share request ${id}, signed by you.`)), button("Back to the caseload", () => void go({ to: "caseload" })));
  show(
    h("h1", {}, `Share request ${id}`),
    errors,
    h("dl", { class: "summary", id: "request-facts" },
      h("dt", {}, "Client"), h("dd", {}, `${i.initials ?? ""} ${i.case_reference ?? ""}`.trim()),
      h("dt", {}, "Asked by"), h("dd", {}, entry.actor ?? "—"),
      h("dt", {}, "Recipient"), h("dd", {}, `${recipientLabel(text("recipient"))}${typeof b.recipient_name === "string" ? ` (${b.recipient_name})` : ""}`),
      h("dt", {}, "Purpose"), h("dd", {}, typeof b.purpose_text === "string" ? b.purpose_text : text("purpose")),
      h("dt", {}, "Consent"), h("dd", {}, text("consent_state")),
      h("dt", {}, "Lawful basis"), h("dd", {}, text("lawful_basis")),
      h("dt", {}, "Justification"), h("dd", {}, text("justification")),
      h("dt", {}, "Person told"), h("dd", {}, text("told")),
      h("dt", {}, "Advice sought"), h("dd", {}, text("advice")),
      h("dt", {}, "Fields that would leave"), h("dd", {}, list("fields_shared")),
      h("dt", {}, "Note excerpts"), h("dd", {}, list("excerpts"))),
    h("p", {}, "If the record changes before the share is finished, it will not leave: the worker must ask again."),
    h("div", { class: "button-group" },
      button("Approve", async () => {
        try {
          await commands.approve_request({ request: id });
          decided("Approved");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "primary", { id: "approve-request" })),
    field("Reason for rejecting (at least 10 characters)", reason),
    h("div", { class: "button-group" },
      button("Reject", async () => {
        try {
          await commands.reject_request({ request: id, reason: reason.value });
          decided("Rejected");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "secondary", { id: "reject-request" }),
      button("Cancel", () => void go({ to: "caseload" }), "secondary")),
  );
}

/** The worker who asked finishes an approved request: the core rebuilds what leaves now and
 *  refuses if it is not what the manager approved. */
function finishRequest(id: number) {
  const format = radios("Format", "format", FORMATS, "pdf");
  const errors = h("div", {});
  formScreen({
    title: `Finish share request ${id}`,
    errors,
    form: [h("p", {}, "A manager approved this share. It leaves exactly as approved, or not at all if the record changed since."), format.el],
    actions: [
      button("Share and save the file", async () => {
        try {
          const out = await chooseOut(`request-${id}`, format.value());
          if (out === undefined) return;
          shared(await commands.finish_request({ finish: { request: id, format: format.value(), out } }), "Back to the caseload", () => void go({ to: "caseload" }));
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "primary", { id: "finish-request" }),
      button("Cancel", () => void go({ to: "caseload" }), "secondary"),
    ],
  }).render();
}

export const routes: Routes<"share" | "reviewRequest" | "finishRequest"> = {
  share: (r) => shareWizard(r.rec, r.purposes, r.restore),
  reviewRequest: (r) => reviewRequest(r.item, r.id),
  finishRequest: (r) => finishRequest(r.id),
};
