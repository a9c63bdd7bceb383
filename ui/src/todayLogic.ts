// The Today view's pure helpers (issue 17, item 3): each queue item in plain words, the
// groups in order, the search filter, dates as people read them, and the card's stale
// warning. Unit-tested in todayLogic.test.ts. The "safe now" badge itself is worked out by
// the core (src/today.rs): the screen only shows its words.
import type { Channel } from "./bindings/Channel";
import type { TodayGroup } from "./bindings/TodayGroup";
import type { TodayRow } from "./bindings/TodayRow";
import { dayMonth, shortDate as weekdayDate } from "./logic";

export const GROUPS: ReadonlyArray<[TodayGroup, string]> = [
  ["overdue", "Overdue"],
  ["today", "Today"],
  ["this_week", "This week"],
  ["later", "Later"],
];

/** What a safe-contact check is, by the contact's channel. */
function checkWords(channel: Channel | null): string {
  switch (channel) {
    case "phone":
      return "Call to check their safe number still works";
    case "sms":
      return "Check their safe number for text messages still works";
    case "email":
      return "Check their safe e-mail address still works";
    case "post":
      return "Check their safe postal address still works";
    case "in_person":
      return "Check their safe in-person arrangement still stands";
    default:
      return "Check their safe contact arrangement still works";
  }
}

/** A Today row's item in plain words (no record value; "their", never a guessed pronoun). */
export function sentence(row: Pick<TodayRow, "item" | "channel">): string {
  switch (row.item.kind) {
    case "safe_contact_review":
      return checkWords(row.channel);
    case "consent_review":
      return "Review their consent to share: it is due for review";
    case "marac_meeting":
      return "MARAC meeting about their case: prepare the update";
    case "marac_action":
      return "A MARAC action for their case is due: check it is done";
    case "approval":
      return "Approve or question an emergency share";
    case "share_request":
      return "Approve or reject a share request";
    case "request_approved":
      return "Your share request was approved: finish the share";
    case "request_rejected":
      return "Your share request was rejected";
    case "enquiry_alert":
      return "Review an enquiry alert: someone may be fishing for information";
    default:
      return row.item.what;
  }
}

/** "22 Oct", or "22 Oct 2025" in another year than `on`'s; an unreadable date as it is. */
export function shortDate(iso: string, on: string): string {
  return dayMonth(iso, on);
}

/** When a row is due, in words: "Overdue since Sun 1 Mar", "Due today", "Due Wed 4 Mar". */
export function dueWords(row: Pick<TodayRow, "group" | "item">, on: string): string {
  const day = weekdayDate(row.item.due, on);
  if (row.group === "overdue") return `Overdue since ${day}`;
  if (row.group === "today") return "Due today";
  return `Due ${day}`;
}

/** Letters and digits only, lower case: "A.E." and "a e" both read "ae". */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** Whether a row is about a client whose case reference or initials match the search. */
export function matches(row: Pick<TodayRow, "item">, query: string): boolean {
  const q = squash(query);
  if (!q) return true;
  return [row.item.case_reference, row.item.initials].some((v) => v !== null && squash(v).includes(q));
}

/** The rows to show, in their groups (empty groups left out), for "mine" or "all" cases
 *  and a search. */
export function grouped<R extends Pick<TodayRow, "group" | "mine" | "item">>(
  rows: readonly R[],
  scope: "mine" | "all",
  query = "",
): Array<{ group: TodayGroup; label: string; rows: R[] }> {
  const shown = rows.filter((r) => (scope === "all" || r.mine) && matches(r, query));
  return GROUPS.map(([group, label]) => ({ group, label, rows: shown.filter((r) => r.group === group) })).filter((g) => g.rows.length > 0);
}

/** The card's warning when an arrangement is stale (its review date passed, or it was not
 *  confirmed within the vault's window), or null when it is not. */
export function staleWarning(c: { last_confirmed?: string | null; cautions?: readonly string[] | null }, on: string): string | null {
  const cautions = c.cautions ?? [];
  if (!cautions.includes("review_overdue") && !cautions.includes("unconfirmed")) return null;
  if (!c.last_confirmed) return "Never confirmed — check before relying on it";
  return `Not confirmed since ${shortDate(c.last_confirmed, on)} — check before relying on it`;
}
