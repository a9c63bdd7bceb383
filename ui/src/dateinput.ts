// The GOV.UK date input: three text boxes, Day, Month and Year, in a fieldset with a legend
// and the hint "For example, 12 4 1990". Never a native date input: its calendar swallows
// typing and its order follows the machine's locale (12/04/1990 stored as 1990-12-04).
// `readDate` (pure, unit-tested in dateinput.test.ts) turns the three boxes into an ISO
// date or a specific problem; `dateInput` builds the DOM with textContent only.
import { h, nextId } from "./dom";
import type { Problem } from "./forms";

export type DatePart = "day" | "month" | "year";

export interface DateRules {
  /** The question as the error messages name it ("Date of birth"). */
  label: string;
  /** An empty date is a problem ("Enter …"). */
  required?: boolean;
  /** Not after today: "must be in the past" (a date of birth), or "must be today or in the past". */
  past?: "strict" | "today";
  /** Not before today ("must be today or in the future"). */
  future?: boolean;
  /** Today as YYYY-MM-DD (the screens pass the local date). */
  today?: string;
}

/** The boxes' answer: an ISO date, nothing (all empty), or a problem naming the boxes to mark. */
export type DateReading = { iso: string | null; error?: undefined } | { iso?: undefined; error: string; parts: DatePart[] };

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function join(parts: string[]): string {
  return parts.length === 3 ? `${parts[0]}, ${parts[1]} and ${parts[2]}` : parts.join(" and ");
}

/** Reads the three boxes as typed. Day 12, month 4, year 1990 is 1990-04-12, whatever the
 *  machine's locale; "12" "04" "90" is refused (the year needs 4 numbers). */
export function readDate(day: string, month: string, year: string, rules: DateRules): DateReading {
  const raw: Record<DatePart, string> = { day: day.trim(), month: month.trim(), year: year.trim() };
  const all: DatePart[] = ["day", "month", "year"];
  const empty = all.filter((p) => raw[p] === "");
  if (empty.length === 3) {
    return rules.required ? { error: `Enter the ${rules.label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}`, parts: all } : { iso: null };
  }
  if (empty.length > 0) return { error: `${rules.label} must include a ${join(empty)}`, parts: empty };
  const notNumbers = all.filter((p) => !/^\d+$/.test(raw[p]));
  if (notNumbers.length > 0) return { error: `${rules.label} must be a real date`, parts: notNumbers };
  if (raw.year.length !== 4) return { error: "Year must include 4 numbers", parts: ["year"] };
  const d = Number(raw.day);
  const m = Number(raw.month);
  const y = Number(raw.year);
  if (m < 1 || m > 12) return { error: `${rules.label} must be a real date`, parts: ["month"] };
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth) return { error: `${rules.label} must be a real date`, parts: ["day"] };
  if (y < 1900 || y > 2200) return { error: `${rules.label} must be between the years 1900 and 2200`, parts: ["year"] };
  const iso = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
  if (rules.today && rules.past && iso > rules.today) {
    return { error: rules.past === "strict" ? `${rules.label} must be in the past` : `${rules.label} must be today or in the past`, parts: all };
  }
  if (rules.today && rules.future && iso < rules.today) return { error: `${rules.label} must be today or in the future`, parts: all };
  return { iso };
}

/** A time of day as typed ("9:30", "09.30", "14:05") → "HH:MM" (24-hour), or null. */
export function readTime(typed: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(typed.trim());
  if (!m) return null;
  const [hh, mm] = [Number(m[1]), Number(m[2])];
  return hh <= 23 && mm <= 59 ? `${pad(hh)}:${pad(mm)}` : null;
}

/** The boxes' values for a stored ISO date (empty for none or for anything unreadable). */
export function splitIso(iso: string | null | undefined): [string, string, string] {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? "");
  return m ? [String(Number(m[3])), String(Number(m[2])), m[1]] : ["", "", ""];
}

export interface DateInput {
  /** The fieldset, to place in the form (it carries `data-path` when given one). */
  el: HTMLFieldSetElement;
  /** The ISO date typed, "" when the boxes are empty or do not make a date (`problem()` says why). */
  readonly value: string;
  /** The problem with what is typed, as the form's error summary shows it, or null. */
  problem(): Problem | null;
  set(iso: string | null | undefined): void;
  day: HTMLInputElement;
  month: HTMLInputElement;
  year: HTMLInputElement;
}

/** A date question: legend, hint, and the Day / Month / Year boxes. */
export function dateInput(opts: DateRules & { value?: string | null; hint?: string; path?: string; id?: string }): DateInput {
  const id = opts.id ?? nextId("date");
  const hintId = `${id}-hint`;
  const box = (part: DatePart, label: string, width: number) => {
    const input = h("input", { type: "text", inputmode: "numeric", id: `${id}-${part}`, name: `${id}-${part}`, class: `date-input-${part} width-${width}`, autocomplete: "off", spellcheck: "false", maxlength: String(width === 4 ? 4 : 2) }) as HTMLInputElement;
    const item = h("div", { class: "date-input-item" }, h("label", { for: input.id, class: "label" }, label), input);
    return { input, item };
  };
  const day = box("day", "Day", 2);
  const month = box("month", "Month", 2);
  const year = box("year", "Year", 4);
  const el = h(
    "fieldset",
    { class: "fieldset date-input-group", role: "group", "aria-describedby": hintId, id, "data-path": opts.path },
    h("legend", { class: "legend" }, opts.label),
    h("div", { class: "hint", id: hintId }, opts.hint ?? "For example, 12 4 1990"),
    h("div", { class: "date-input" }, day.item, month.item, year.item),
  ) as HTMLFieldSetElement;
  const inputs: Record<DatePart, HTMLInputElement> = { day: day.input, month: month.input, year: year.input };
  const reading = () => readDate(day.input.value, month.input.value, year.input.value, { ...opts, today: opts.today });
  const api: DateInput = {
    el,
    get value() {
      return reading().iso ?? "";
    },
    problem() {
      const r = reading();
      if (r.error === undefined) return null;
      const marked = r.parts.map((p) => inputs[p]);
      return { field: el, message: r.error, target: marked[0], invalid: marked };
    },
    set(iso) {
      [day.input.value, month.input.value, year.input.value] = splitIso(iso);
    },
    day: day.input,
    month: month.input,
    year: year.input,
  };
  api.set(opts.value);
  return api;
}
