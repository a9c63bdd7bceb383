// Drafts (issue 17 item 4): a half-finished form (risk checklist, note, consent, decision
// not to share, share, MARAC referral, edit, enquiry) is handed to the core as it changes,
// and kept there, encrypted in the vault, signed by and for this user only (src/drafts.rs).
// Most forms are kept through formdraft.ts (one call each).
// Never in localStorage or a file. Saving as the form changes (not at the lock) is the safer
// way: a sleep or screen lock locks at once and the page cannot write after a lock, so
// nothing would wait for the page. Deleted when the form is saved or cancelled, or the
// draft is discarded.
import type { RiskAnswer } from "./bindings/RiskAnswer";
import type { Draft } from "./bindings/Draft";
import type { DraftKind } from "./bindings/DraftKind";
import type { DraftOffer } from "./bindings/DraftOffer";
import { button, h } from "./dom";
import * as commands from "./commands";

export type { Draft, DraftKind, DraftOffer };

/** How long after the last change a draft is saved. */
export const SAVE_AFTER_MS = 400;

const pending = new Set<() => Promise<void>>();

/** Saves every draft with a change not yet saved, at once (the idle warning and the Lock
 *  button call it); resolves when they are saved, or after `capMs` at most. */
export function flushDrafts(capMs = 300): Promise<void> {
  const saves = Promise.all([...pending].map((f) => f())).then(() => undefined);
  return Promise.race([saves, new Promise<void>((r) => window.setTimeout(r, capMs))]);
}

/** What a kept form does when it is finished with. */
export interface KeptDraft {
  /** The form was saved or cancelled: the draft is deleted. */
  done: () => Promise<void>;
}

/** Keeps the form made of `nodes` as this user's draft of `kind` for `client` (null for an
 *  enquiry): each input or change inside them saves `state()` shortly after. */
export function keepDraft(kind: DraftKind, client: number | null, nodes: Array<Node | null>, state: () => Record<string, unknown>): KeptDraft {
  let timer: number | null = null;
  let finished = false;
  const save = async () => {
    if (timer !== null) window.clearTimeout(timer);
    timer = null;
    pending.delete(save);
    if (finished) return;
    await commands.save_draft({ kind, client, body: state() }).catch(() => undefined);
  };
  const changed = () => {
    if (finished) return;
    if (timer !== null) window.clearTimeout(timer);
    pending.add(save);
    timer = window.setTimeout(() => void save(), SAVE_AFTER_MS);
  };
  for (const n of nodes) {
    n?.addEventListener("input", changed);
    n?.addEventListener("change", changed);
  }
  return {
    done: async () => {
      finished = true;
      if (timer !== null) window.clearTimeout(timer);
      pending.delete(save);
      await commands.discard_draft({ kind, client }).catch(() => undefined);
    },
  };
}

/** Each kind of form in words, as the offer names it. */
export const DRAFT_FORMS: Record<DraftKind, string> = {
  risk_checklist: "Risk checklist",
  note: "Note",
  consent: "Consent",
  decline: "Decision not to share",
  share: "Share",
  marac: "MARAC referral",
  edit_client: "Changes to the record",
  enquiry: "Enquiry",
};

/** The offer's words: "Consent for CK-0042 · A.E., unfinished" ("Enquiry, unfinished"). */
export function draftText(d: Pick<Draft, "kind" | "case_reference" | "initials">): string {
  const what = DRAFT_FORMS[d.kind] ?? "A form";
  return d.case_reference ? `${what} for ${d.case_reference} · ${d.initials ?? ""}, unfinished` : `${what}, unfinished`;
}

/** This user's drafts and how many could not be trusted (none if they cannot be read: the
 *  caseload comes up as before). */
export async function myDrafts(): Promise<DraftOffer> {
  try {
    return await commands.list_drafts();
  } catch {
    return { drafts: [], untrusted: 0 };
  }
}

/** What the offer says of drafts that did not verify as this user's (no values). */
export function untrustedText(n: number): string {
  return n === 1
    ? "An unfinished form could not be trusted (it was not signed by you, or was changed after you left it) and was removed."
    : `${n} unfinished forms could not be trusted (they were not signed by you, or were changed after you left them) and were removed.`;
}

/** The offer shown at the top of the screen after an unlock (GOV.UK's notification
 *  banner): each draft with Continue and Discard. */
export function draftNotice(offer: DraftOffer, open: (d: Draft) => void): HTMLElement {
  const { drafts, untrusted } = offer;
  const list = h("ul", { class: "list drafts" });
  const box = h(
    "section",
    { class: "notice warn drafts-notice", "aria-labelledby": "drafts-title", id: "drafts-notice" },
    h("h2", { id: "drafts-title", tabindex: "-1" }, "Unfinished work"),
    drafts.length ? h("p", {}, "Casekeep locked while you were part-way through. What you had entered was kept, encrypted, for you only.") : null,
    untrusted ? h("p", { id: "drafts-untrusted" }, h("strong", {}, untrustedText(untrusted))) : null,
    list,
  );
  for (const d of drafts) {
    const row: HTMLElement = h(
      "li",
      { class: "draft" },
      h("p", {}, `${draftText(d)}.`),
      h(
        "div",
        { class: "button-group" },
        button("Continue", () => open(d), "primary", { "aria-label": `Continue: ${draftText(d)}` }),
        button("Discard", async () => {
          await commands.discard_draft({ kind: d.kind, client: d.client_id }).catch(() => undefined);
          row.remove();
          if (!list.childElementCount && !untrusted) box.remove();
        }, "secondary", { "aria-label": `Discard: ${draftText(d)}` }),
      ),
    );
    list.append(row);
  }
  return box;
}

/** The answers a risk checklist's draft holds, checked (anything odd is left unanswered). */
export function riskDraft(body: Record<string, unknown>, questions: number) {
  const answers: Array<RiskAnswer | null> = Array.from({ length: questions }, (_, i) => {
    const a = Array.isArray(body.answers) ? body.answers[i] : null;
    return a === "yes" || a === "no" || a === "not_known" ? a : null;
  });
  const text = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  return {
    date: /^\d{4}-\d{2}-\d{2}$/.test(text("date")) ? text("date") : null,
    answers,
    judgement: body.professional_judgement === true,
    reason: text("judgement_reason"),
    incidents: text("police_incidents_12m"),
  };
}
