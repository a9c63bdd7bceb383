// A client's record: the safe-contact card, contact history, consent, sharing, risk,
// details (shown on request, audited), the case's status; and its edit and note forms.
import { CaseStatus, ClientDetails, ClientView, ConsentReport, ContactView, isCmdError } from "../api";
import { contactActions, contactHistory } from "../card";
import { sharingSection } from "../decisions";
import { at, button, errorSummary, field, h, nextId } from "../dom";
import { keepDraft, KeptDraft } from "../drafts";
import { editForm } from "../edit";
import { keepForm } from "../formdraft";
import { cancelKept, formScreen } from "../formpage";
import { main, message, nav, riskTag, say, show } from "../frame";
import { cardWarnings, displayPhone, longDate, recipientLabel, shortDate, windowText } from "../logic";
import { go, type Routes } from "../router";
import { state } from "../state";
import { cardSafety } from "../today";
import { maracSection, riskSection } from "./risk";
import * as commands from "../commands";

function yesNo(v: boolean | null | undefined): HTMLElement {
  if (v === undefined || v === null) return h("span", { class: "muted" }, "not recorded");
  return h("strong", { class: v ? "yes" : "no" }, v ? "YES" : "NO");
}

/** When a contact is safe, in words: its windows (the core read them from the words, or
 *  they were edited as such) and the words as written; or that no safe time is known. */
function whenText(c: ContactView): string {
  const windows = c.safe_windows ?? [];
  const read = windows.map(windowText).join("; ");
  if (windows.length) return c.safe_times ? `${c.safe_times} only (read as ${read})` : `${read} only`;
  if (c.safe_times) return `“${c.safe_times}”: not understood as days and times, so no known safe time`;
  return "no safe times recorded, so no known safe time";
}

function safeContactCard(rec: ClientView): HTMLElement {
  const safety = cardSafety(rec.id);
  const all = rec.contacts.map((c, i) => ({ ...c, n: i + 1 }));
  const usable = all.filter((c) => !c.do_not_use);
  const avoid = all.filter((c) => c.do_not_use);
  const items = usable.map((c) => {
    const codeSpan = h("span", { class: "code-word", "aria-live": "polite" }, c.code_word_set ? "•••••" : "none");
    // The code word is not in the record the page holds: the core hands it over on
    // request and records that it did.
    const reveal: HTMLButtonElement | null = c.code_word_set
      ? button("Reveal", async () => {
          if (codeSpan.textContent !== "•••••") {
            codeSpan.textContent = "•••••";
            if (reveal) {
              reveal.textContent = "Reveal";
              reveal.setAttribute("aria-label", "Reveal code word");
            }
            return;
          }
          try {
            codeSpan.textContent = await commands.reveal_code_word({ client: rec.id, contact: c.n });
            if (reveal) {
              reveal.textContent = "Hide";
              reveal.setAttribute("aria-label", "Hide code word");
            }
          } catch (e) {
            say(message(e));
          }
        }, "secondary", { "aria-label": "Reveal code word" })
      : null;
    const number = c.value ? (c.value.startsWith("+") ? displayPhone(c.value) : c.value) : "(no number)";
    const warnings = cardWarnings(c.cautions ?? [], true);
    const ackBox = h("div", { class: "ack-box" });
    return h(
      "div",
      { class: "contact" },
      h("p", { class: "number" }, h("span", { class: "channel" }, c.channel === "phone" ? "☎ " : `${c.channel}: `), h("span", { class: "value" }, number),
        c.value ? button("Copy", () => void copyNumber(rec.id, c.n, c.cautions ?? [], ackBox), "secondary", { "aria-label": "Copy the safe number" }) : null),
      h("p", { class: "when" }, h("strong", {}, "When: "), whenText(c)),
      safety.for(c, c.n),
      warnings.length ? h("p", { class: "cautions", "aria-label": "Warnings" }, ...warnings.map((w) => h("strong", { class: "caution-tag" }, w))) : null,
      h("p", {}, "Voicemail: ", yesNo(c.voicemail_ok), "   Say who we are: ", yesNo(c.may_identify_agency), "   Code word: ", codeSpan, " ", reveal),
      h("p", { class: "muted" }, `Confirmed ${c.last_confirmed ? longDate(c.last_confirmed) : "never"}; review due ${c.review_due ? longDate(c.review_due) : "not set"}`),
      contactActions(rec.id, c.n, ackBox, (text) => void go({ to: "client", id: rec.id }).then(() => say(text))),
      ackBox,
    );
  });
  const avoidItems = avoid.map((c) => {
    const ackBox = h("div", { class: "ack-box" });
    return h(
      "div",
      { class: "do-not-use" },
      h("p", {}, h("strong", {}, "✖ DO NOT USE: "), c.value ? displayPhone(c.value) : c.channel, c.notes ? ` (${c.notes})` : "", " ",
        c.value ? button("Copy the do-not-use number…", () => void copyNumber(rec.id, c.n, c.cautions ?? ["do_not_use"], ackBox), "link") : null),
      ackBox,
    );
  });
  return h(
    "section",
    { class: "safe-card", "aria-labelledby": "safe-title" },
    h("h2", { id: "safe-title" }, "How to contact safely"),
    ...(items.length ? items : [h("p", { class: "do-not-use" }, "No safe way to contact is recorded. Do not make contact until one is agreed.")]),
    ...avoidItems,
  );
}

/** Copies a number. When the card shows warnings (or the core's gate finds some by the time
 *  of the click), the number is copied only after the worker acknowledges them with a
 *  reason, which the core records in the audit trail. */
async function copyNumber(client: number, contact: number, cautions: readonly string[], ackBox: HTMLElement) {
  if (cautions.length) return askAcknowledgement(client, contact, cardWarnings(cautions), ackBox);
  try {
    // The shell copies it and clears it again after 10 seconds.
    await commands.copy_safe_number({ client, contact });
    say("Number copied. It will be cleared from the clipboard in 10 seconds.");
  } catch (e) {
    if (isCmdError(e) && e.code === "acknowledgement_required") return askAcknowledgement(client, contact, [message(e)], ackBox);
    say(message(e));
  }
}

function askAcknowledgement(client: number, contact: number, warnings: string[], box: HTMLElement) {
  const reason = h("textarea", { rows: "2", id: nextId("ack"), maxlength: "500" }) as HTMLTextAreaElement;
  const errors = h("div", {});
  const copy = async () => {
    try {
      await commands.copy_safe_number({ client, contact, reason: reason.value });
      box.replaceChildren();
      say("Number copied with your reason recorded. It will be cleared from the clipboard in 10 seconds.");
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  box.replaceChildren(
    h(
      "div",
      { class: "ack", role: "alertdialog", "aria-labelledby": `${reason.id}-title` },
      h("h3", { id: `${reason.id}-title` }, "Check before you contact"),
      h("ul", {}, ...warnings.map((w) => h("li", {}, w))),
      h("p", {}, "A call or message now could put the client at risk. Check the arrangement first. To copy the number anyway, say why: this is recorded in the audit trail."),
      errors,
      field("Why contact now? (at least 10 characters)", reason),
      h("div", { class: "button-group" }, button("Copy anyway", () => void copy(), "warning"), button("Cancel", () => box.replaceChildren(), "secondary")),
    ),
  );
  reason.focus();
}

/** Runs `then` with the client's full record: fetched (an audited read of their details)
 *  if the screen holds only the overview. */
export async function withDetails(rec: ClientView, then: (full: ClientDetails) => void | Promise<void>) {
  if (rec.details) return then(rec);
  try {
    const full = await commands.show_client({ id: rec.id, names: true });
    // Asked with names, the core answers the whole record (`details: true`).
    if (!full.details) return say("The record's details could not be shown. Try again.");
    state.detailsFor = rec.id;
    await then(full);
  } catch (e) {
    say(message(e));
  }
}

async function clientScreen(id: number) {
  let rec: ClientView;
  let consents: ConsentReport;
  let caseState: CaseStatus;
  if (state.detailsFor !== id) state.detailsFor = null;
  try {
    // With names hidden the core sends only the overview; the details come on request.
    rec = await commands.show_client({ id, names: state.namesShown || state.detailsFor === id });
    consents = await commands.consent_report({ client: id });
    caseState = await commands.case_status({ client: id });
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const history = await contactHistory(id, rec.details);
  const latest = rec.risk.length ? rec.risk.reduce((a, b) => (b.date >= a.date ? b : a)) : null;
  const shownName = rec.details ? rec.full_name : rec.initials;
  // The core's decision per recipient (consent::current): the general row, and each
  // purpose whose decision differs from it. The screen shows them; it decides nothing.
  const consentRows = consents.current.filter((d) => d.purpose.code === "general" || d.differs_from_general).map((d) => {
    const state = d.state ? `${d.state.replace(/_/g, " ")}${d.review_overdue ? " (review overdue)" : ""}` : "not recorded";
    const e = d.entry;
    return h("tr", {}, h("th", { scope: "row" }, recipientLabel(d.recipient)), h("td", {}, d.purpose.label), h("td", {}, state), h("td", {}, shortDate(d.review_on)), h("td", {}, e ? `${e.recorded_by}, ${shortDate(e.recorded_at.slice(0, 10))}` : ""));
  });
  const toggle = rec.details
    ? button("Hide details", () => {
        state.detailsFor = null;
        state.namesShown = false;
        void go({ to: "client", id });
      }, "secondary", { "aria-pressed": "true", id: "toggle-details" })
    : button("Show details", () => {
        state.detailsFor = id;
        void go({ to: "client", id });
      }, "secondary", { "aria-pressed": "false", id: "toggle-details" });
  const sharing = await sharingSection(nav, id, () => void go({ to: "client", id }));
  show(
    h("h1", {}, `${shownName} · ${rec.case_reference} · `, riskTag(latest?.level)),
    h(
      "div",
      { class: "button-group" },
      button("Share…", () => void withDetails(rec, (full) => go({ to: "share", rec: full, purposes: consents.purposes })), "primary"),
      button("Record a decision not to share", () => void go({ to: "decline", rec, purposes: consents.purposes }), "secondary"),
      button("Record consent", () => void go({ to: "consent", rec, purposes: consents.purposes }), "secondary"),
      button("Edit details", () => void withDetails(rec, (full) => go({ to: "edit", rec: full })), "secondary"),
      button("Add a note", () => void go({ to: "note", rec }), "secondary"),
      button("Risk checklist", () => void go({ to: "risk", rec }), "secondary"),
      button("Enquiries about this client", () => void go({ to: "enquiries", client: id }), "secondary"),
      toggle,
    ),
    rec.enquiry_alert
      ? h(
          "div",
          { class: "notice warn", role: "note", id: "enquiry-alert" },
          h("strong", {}, "Enquiry alert. "),
          "Someone may be fishing for this client: the same caller has asked about several clients or again and again about this one, or a caller for an organisation could not be matched to its switchboard. Confirm nothing to anyone; your manager has it on their work queue.",
        )
      : null,
    safeContactCard(rec),
    history,
    h("h2", {}, "Consent"),
    h("table", { class: "table", id: "consent-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Recipient"), h("th", { scope: "col" }, "Purpose"), h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, "Review"), h("th", { scope: "col" }, "Recorded"))), h("tbody", {}, ...consentRows)),
    ...sharing,
    ...riskSection(rec.risk, latest),
    ...(rec.details ? detailSections(rec) : [hiddenNotice(id)]),
    ...caseSection(rec, caseState),
  );
  main.dataset.client = String(id);
}

/** In place of the details while names are hidden. */
function hiddenNotice(id: number): HTMLElement {
  return h(
    "section",
    { class: "notice", "aria-labelledby": "details-hidden" },
    h("h2", { id: "details-hidden" }, "Details hidden"),
    h("p", {}, "Names, addresses, children, the person causing harm, MARAC referrals and notes are hidden while names are hidden. Showing them is recorded in the audit trail."),
    button("Show details", () => {
      state.detailsFor = id;
      void go({ to: "client", id });
    }, "secondary"),
  );
}

function detailSections(rec: ClientDetails): Node[] {
  return [
    ...maracSection(rec),
    h("h2", {}, "Details"),
    h(
      "dl",
      { class: "summary" },
      ...(
        [
          ["Preferred name", rec.preferred_name],
          ["Date of birth", rec.date_of_birth ? longDate(rec.date_of_birth) : undefined],
          ["Gender", rec.gender],
          ["Address", rec.address_is_refuge ? "Refuge (address never shared)" : rec.address],
          ["Children", rec.children.map((c) => c.full_name).join(", ")],
          ["Person causing harm", rec.perpetrator?.full_name],
        ] as Array<[string, string | undefined]>
      ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v || "not recorded")]),
    ),
    h("h2", {}, "Notes"),
    ...rec.notes.map((n) => h("div", { class: "note" }, h("p", { class: "muted" }, `Note ${n.id} · ${longDate(n.date)} · ${n.author}`), h("p", {}, n.text))),
  ];
}

function caseSection(rec: ClientView, st: CaseStatus): Node[] {
  const errors = h("div", {});
  const act = async (action: string, reason?: string) => {
    try {
      await commands.change_case({ client: rec.id, action, reason: reason ?? null });
      await go({ to: "client", id: rec.id });
      say(action === "close" ? "Case closed." : action === "reopen" ? "Case reopened." : action === "hold" ? "Legal hold set." : "Legal hold released.");
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  const stateText = st.open ? "Open." : `Closed on ${longDate(st.closed_on)}; kept until ${longDate(st.retain_until)}, then purged by a manager.`;
  const box = h("div", { class: "button-group" });
  if (st.open) {
    box.append(button("Close the case", () => {
      box.replaceChildren(
        h("p", { class: "warning-text", role: "alert" }, "Closing starts the retention period. The case stays readable until it is purged."),
        button("Yes, close the case", () => void act("close"), "warning"),
        button("Keep it open", () => void go({ to: "client", id: rec.id }), "secondary"),
      );
    }, "secondary"));
  } else {
    box.append(button("Reopen the case", () => void act("reopen"), "secondary"));
  }
  const parts: Node[] = [h("h2", {}, "Case"), errors, h("p", { id: "case-state" }, stateText, st.legal_hold ? ` Under legal hold${rec.details ? `: ${st.hold_reason ?? ""}` : ""} (never purged while held).` : ""), box];
  if (state.status?.role === "manager") {
    if (st.legal_hold) {
      box.append(button("Release the legal hold", () => void act("release"), "secondary"));
    } else {
      const reason = h("input", { type: "text", autocomplete: "off" }) as HTMLInputElement;
      parts.push(field("Reason for a legal hold", reason, "For example: family court proceedings. At least 10 characters."), button("Put under legal hold", () => void act("hold", reason.value), "secondary"));
    }
  }
  return parts;
}

function editScreen(rec: ClientDetails, restore?: Record<string, unknown>) {
  const errors = h("div", {});
  let kept: KeptDraft | null = null;
  const form = h("div", { id: "edit-form" }, ...editForm(
    rec,
    async (patch, liftReason) => {
      try {
        const changed = await commands.update_client({ id: rec.id, patch, liftReason: liftReason ?? null });
        await kept?.done();
        await go({ to: "client", id: rec.id });
        say(changed.length ? `Saved: ${changed.length} field${changed.length === 1 ? "" : "s"} changed.` : "Nothing changed.");
      } catch (e) {
        errors.replaceChildren(errorSummary(message(e)));
      }
    },
    () => (kept ? cancelKept(kept, rec.id)() : void go({ to: "client", id: rec.id })),
    errors,
  ));
  kept = keepForm("edit_client", rec.id, form, restore);
  formScreen({ client: rec, title: `Edit ${rec.case_reference}`, errors, form: [form] }).render();
}

function noteForm(rec: { id: number; case_reference: string; initials: string }, restore?: Record<string, unknown>) {
  const text = h("textarea", { rows: "5" }) as HTMLTextAreaElement;
  if (typeof restore?.text === "string") text.value = restore.text;
  const kept = keepDraft("note", rec.id, [text], () => ({ text: text.value }));
  const errors = h("div", {});
  formScreen({
    client: rec,
    title: "Add a note",
    errors,
    form: [at("notes[0].text", field("Note", text, "Notes are kept in order and never changed afterwards."))],
    actions: [
      button("Save the note", async () => {
        try {
          await commands.update_client({ id: rec.id, patch: { notes: [{ text: text.value }] } });
          await kept.done();
          await go({ to: "client", id: rec.id });
          say("Note added.");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }),
      button("Cancel", () => void kept.done().then(() => go({ to: "client", id: rec.id })), "secondary"),
    ],
  }).render();
}

export const routes: Routes<"client" | "edit" | "note"> = {
  client: (r) => clientScreen(r.id),
  edit: (r) => editScreen(r.rec, r.restore),
  note: (r) => noteForm(r.rec, r.restore),
};
