// Drafts (issue 17 item 4): a half-finished risk checklist or note is handed to the core
// as it changes, and kept there, encrypted in the vault, for this user only (src/drafts.rs).
// Never in localStorage or a file. Saving as the form changes (not at the lock) is the safer
// way: a sleep or screen lock locks at once and the page cannot write after a lock, so
// nothing would wait for the page. Deleted when the form is saved or cancelled, or the
// draft is discarded.
import { call } from "./api";
import type { Draft } from "./bindings/Draft";
import type { DraftKind } from "./bindings/DraftKind";
import { button, h } from "./dom";

export type { Draft, DraftKind };

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

/** Keeps the form made of `nodes` as this user's draft of `kind` for `client`: each input
 *  or change inside them saves `state()` shortly after. */
export function keepDraft(kind: DraftKind, client: number, nodes: Array<Node | null>, state: () => Record<string, unknown>): KeptDraft {
  let timer: number | null = null;
  let finished = false;
  const save = async () => {
    if (timer !== null) window.clearTimeout(timer);
    timer = null;
    pending.delete(save);
    if (finished) return;
    await call("save_draft", { kind, client, body: state() }).catch(() => undefined);
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
      await call("discard_draft", { kind, client }).catch(() => undefined);
    },
  };
}

/** The offer's words: "an unfinished risk checklist for CK-0042 · A.E.". */
export function draftText(d: Pick<Draft, "kind" | "case_reference" | "initials">): string {
  const what = d.kind === "risk_checklist" ? "risk checklist" : "note";
  return `You have an unfinished ${what} for ${d.case_reference} · ${d.initials}`;
}

/** This user's drafts (none if they cannot be read: the caseload comes up as before). */
export async function myDrafts(): Promise<Draft[]> {
  try {
    return await call<Draft[]>("list_drafts");
  } catch {
    return [];
  }
}

/** The offer shown at the top of the screen after an unlock (GOV.UK's notification
 *  banner): each draft with Continue and Discard. */
export function draftNotice(drafts: Draft[], open: (d: Draft) => void): HTMLElement {
  const list = h("ul", { class: "list drafts" });
  const box = h(
    "section",
    { class: "notice warn drafts-notice", "aria-labelledby": "drafts-title", id: "drafts-notice" },
    h("h2", { id: "drafts-title", tabindex: "-1" }, "Unfinished work"),
    h("p", {}, "Casekeep locked while you were part-way through. What you had entered was kept, encrypted, for you only."),
    list,
  );
  for (const d of drafts) {
    const row: HTMLElement = h(
      "li",
      { class: "draft" },
      h("p", {}, draftText(d).endsWith(".") ? draftText(d) : `${draftText(d)}.`),
      h(
        "div",
        { class: "button-group" },
        button("Continue", () => open(d), "primary", { "aria-label": `Continue ${draftText(d).replace("You have an", "the")}` }),
        button("Discard", async () => {
          await call("discard_draft", { kind: d.kind, client: d.client_id }).catch(() => undefined);
          row.remove();
          if (!list.childElementCount) box.remove();
        }, "secondary", { "aria-label": `Discard ${draftText(d).replace("You have an", "the")}` }),
      ),
    );
    list.append(row);
  }
  return box;
}

/** The answers a risk checklist's draft holds, checked (anything odd is left unanswered). */
export function riskDraft(body: Record<string, unknown>, questions: number) {
  const answers: Array<string | null> = Array.from({ length: questions }, (_, i) => {
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
