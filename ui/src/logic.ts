// Pure helpers the screens use; unit-tested in logic.test.ts.
import type { LawfulBasis } from "./bindings/LawfulBasis";
import type { RecipientKind } from "./bindings/RecipientKind";

/** Rough passphrase strength, 0–4, with a sentence saying why. */
export function passphraseStrength(p: string): { score: number; advice: string } {
  const len = [...p].length;
  if (len < 12) return { score: 0, advice: "Too short: use at least 12 characters (a few unrelated words work well)." };
  const words = p.trim().split(/\s+/).filter((w) => w.length >= 3).length;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/].filter((r) => r.test(p)).length;
  const unique = new Set([...p.toLowerCase()]).size;
  let score = 1;
  if (len >= 16 || words >= 3) score++;
  if (len >= 20 || (words >= 4 && unique >= 10)) score++;
  if (classes >= 3 || words >= 5) score++;
  if (unique < 6) score = Math.min(score, 1);
  const advice = ["", "Weak: add more unrelated words.", "Fair: one or two more words would help.", "Good.", "Strong."][score];
  return { score: Math.min(score, 4), advice };
}

/** Initials for a masked caseload line: "Ada Example" -> "A.E.". */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0]?.toUpperCase() + ".")
    .join("");
}

/** An E.164 UK number shown the way people read it: +447700900123 -> 07700 900123. */
export function displayPhone(e164: string): string {
  if (e164.startsWith("+44") && e164.length === 13) {
    const national = "0" + e164.slice(3);
    return national.slice(0, 5) + " " + national.slice(5);
  }
  return e164;
}

/** Days from `today` to `date` (both YYYY-MM-DD); negative when past. */
export function daysUntil(date: string, today: string): number {
  const a = Date.parse(today + "T00:00:00Z");
  const b = Date.parse(date + "T00:00:00Z");
  return Math.round((b - a) / 86_400_000);
}

/** What is due, in words, for a safe-contact review date. */
export function dueText(reviewDue: string | null | undefined, today: string): { text: string; urgent: boolean } | null {
  if (!reviewDue) return null;
  const d = daysUntil(reviewDue, today);
  if (d < 0) return { text: `Safe contact check overdue (${-d} day${d === -1 ? "" : "s"})`, urgent: true };
  if (d === 0) return { text: "Safe contact check due today", urgent: true };
  if (d <= 7) return { text: `Safe contact check due in ${d} day${d === 1 ? "" : "s"}`, urgent: false };
  return null;
}

export function todayIso(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** A closed vocabulary of the core (a generated binding, ui/src/bindings) with the words the
 *  page shows for each value, in the order shown. Typed by the binding: a value the core adds
 *  or drops is a type error here until it has its words. */
export function vocabulary<T extends string>(words: Record<T, string>): Array<[T, string]> {
  return Object.entries(words) as Array<[T, string]>;
}

export const RECIPIENTS = vocabulary<RecipientKind>({
  marac: "MARAC",
  childrens_social_care: "Children's social care",
  police: "Police",
  health: "Health",
  housing: "Housing",
});

export const LAWFUL_BASES = vocabulary<LawfulBasis>({
  safeguarding_child: "Safeguarding a child",
  safeguarding_adult: "Safeguarding an adult at risk",
  prevent_detect_crime: "Preventing or detecting serious crime",
  legal_duty: "A legal duty",
  vital_interests: "Vital interests (life at risk)",
  public_interest: "Public interest",
});

export function recipientLabel(kind: string): string {
  return RECIPIENTS.find(([k]) => k === kind)?.[1] ?? kind;
}

/** The vault's thresholds as the risk form needs them (the core's RiskConfig). */
export interface RiskThresholds {
  marac_score: number;
  escalation_incidents: number;
  medium_from: number;
  high_from: number;
}

/** The running score of a checklist being filled in: a live preview of what the core
 *  computes when it is saved (risk::assess). `not_known` never counts. */
export function runningScore(
  answers: Array<string | null>,
  professionalJudgement: boolean,
  policeIncidents: number | null,
  cfg: RiskThresholds,
): { score: number; notKnown: number; unanswered: number; level: "standard" | "medium" | "high"; criteria: string[] } {
  const score = answers.filter((a) => a === "yes").length;
  const notKnown = answers.filter((a) => a === "not_known").length;
  const unanswered = answers.filter((a) => a === null).length;
  const criteria: string[] = [];
  if (score >= cfg.marac_score) criteria.push("visible high risk");
  if (professionalJudgement) criteria.push("professional judgement");
  if (policeIncidents !== null && policeIncidents >= cfg.escalation_incidents) criteria.push("potential escalation");
  const level = score >= cfg.high_from || criteria.length > 0 ? "high" : score >= cfg.medium_from ? "medium" : "standard";
  return { score, notKnown, unanswered, level, criteria };
}

/** A firewall masking's kind of value (`ValueKind`, snake_case) in words. */
export function maskedKind(kind: string): string {
  const words: Record<string, string> = {
    phone: "phone number",
    email: "e-mail address",
    outward_code: "postcode district",
    code_word: "code word",
    name_part: "name",
    health: "health information",
    immigration: "immigration status",
    text: "detail",
  };
  return words[kind] ?? kind.replace(/_/g, " ");
}

// ---------------------------------------------------------------- safe-contact windows

/** A safe window as the core stores it (`safe_times::SafeWindow`): days and local times. */
export interface SafeWindowLike {
  days: string[];
  from: string;
  to: string;
}

export const WEEK: Array<[string, string]> = [
  ["mon", "Mon"],
  ["tue", "Tue"],
  ["wed", "Wed"],
  ["thu", "Thu"],
  ["fri", "Fri"],
  ["sat", "Sat"],
  ["sun", "Sun"],
];

/** Days as people write them: runs of three or more joined with a dash ("Mon–Fri, Sun"),
 *  the whole week "every day". */
export function daysText(days: string[]): string {
  const idx = WEEK.map(([d]) => d);
  const on = idx.map((d) => days.includes(d));
  if (on.every(Boolean)) return "every day";
  const parts: string[] = [];
  let i = 0;
  while (i < 7) {
    if (!on[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && on[j + 1]) j++;
    const name = (k: number) => WEEK[k][1];
    if (j - i >= 2) parts.push(`${name(i)}–${name(j)}`);
    else for (let k = i; k <= j; k++) parts.push(name(k));
    i = j + 1;
  }
  return parts.join(", ");
}

/** One window in words: "Mon–Fri 10:00–12:00", "Sat, Sun all day". */
export function windowText(w: SafeWindowLike): string {
  const times = w.from === "00:00" && w.to === "24:00" ? "all day" : `${w.from}–${w.to}`;
  return `${daysText(w.days)} ${times}`;
}

/** The warnings for a contact's cautions (codes from the core's gate): "stale" for a passed
 *  review date or an unconfirmed arrangement. The copy gate's acknowledgement names them all;
 *  the safe-contact card (`onCard`) leaves out "outside safe times", which its live badge
 *  beside them already says ("Not safe now — next …"), so that it is said once. */
export function cardWarnings(cautions: readonly string[], onCard = false): string[] {
  const out: string[] = [];
  if (cautions.includes("do_not_use")) out.push("DO NOT USE");
  if (cautions.includes("outside_safe_times") && !onCard) out.push("OUTSIDE SAFE TIMES now");
  if (cautions.includes("no_known_safe_time")) out.push("NO KNOWN SAFE TIME");
  if (cautions.includes("review_overdue")) out.push("STALE: review date passed");
  if (cautions.includes("unconfirmed")) out.push("STALE: not confirmed recently");
  return out;
}

/** The `safe_windows` an edited contact sends: the edited windows when they were touched;
 *  nothing (the core reads them again from the words) when only the words changed; the
 *  stored ones otherwise. */
export function windowsToSend(
  stored: SafeWindowLike[] | undefined,
  edited: SafeWindowLike[] | null,
  wordsChanged: boolean,
): SafeWindowLike[] | undefined {
  if (edited !== null) return edited;
  if (wordsChanged) return undefined;
  return stored;
}

// ---------------------------------------------------------------- dates as people read them

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function isoParts(iso: string | null | undefined): { y: number; m: number; d: number; weekday: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(iso ?? "");
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return { y, m: mo, d, weekday: date.getUTCDay() };
}

/** A date as people read it: "2026-04-12" → "12 April 2026" (anything else unchanged; an
 *  empty or absent one ""). Independent of the machine's locale and time zone. */
export function longDate(iso: string | null | undefined): string {
  const p = isoParts(iso);
  return p ? `${p.d} ${MONTHS[p.m - 1]} ${p.y}` : (iso ?? "");
}

/** A date in a list: "2026-12-01" → "Tue 1 Dec", with the year added when it is not
 *  `today`'s ("Mon 1 Dec 2025"). */
export function shortDate(iso: string | null | undefined, today: string = todayIso()): string {
  const p = isoParts(iso);
  return p ? `${WEEKDAYS[p.weekday]} ${dayMonth(iso, today)}` : (iso ?? "");
}

/** A day and month: "2026-10-22" → "22 Oct", with the year added when it is not `today`'s
 *  ("22 Oct 2025"); anything else unchanged. */
export function dayMonth(iso: string | null | undefined, today: string = todayIso()): string {
  const p = isoParts(iso);
  if (!p) return iso ?? "";
  const base = `${p.d} ${MONTHS[p.m - 1].slice(0, 3)}`;
  return today.slice(0, 4) === String(p.y) ? base : `${base} ${p.y}`;
}

/** Whether a typed phone number has the shape of one (a UK number of 10 or 11 digits
 *  starting 0, or + and a country code): the form's first check; the core checks it fully. */
export function looksLikePhone(typed: string): boolean {
  const compact = typed.replace(/[\s().-]/g, "");
  return /^(\+[1-9]\d{6,14}|0\d{9,10})$/.test(compact);
}
