// Plain-language pieces for receipts (issue 17 item 12): a time as people write it, and the
// technical facts (a file's SHA-256) kept under "Technical details", out of the way.
import { h } from "./dom";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "1 Dec 2026, 14:20" (local time, 24-hour clock). */
export function plainDateTime(d: Date): string {
  const hh = String(d.getHours()).padStart(2, "0");
  const mm = String(d.getMinutes()).padStart(2, "0");
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${hh}:${mm}`;
}

/** A closed "Technical details" disclosure holding `rows` (label, value). */
export function technicalDetails(rows: Array<[string, string]>): HTMLElement {
  return h(
    "details",
    { class: "technical" },
    h("summary", {}, "Technical details"),
    h("dl", { class: "summary" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { class: "break-anywhere" }, v)])),
  );
}

const SECTIONS: Record<string, string> = {
  client: "",
  contact: "Contact",
  child: "Child",
  perpetrator: "Person causing harm",
  risk: "Risk",
  marac: "MARAC referral",
  note: "Note",
};

function words(field: string): string {
  const w = field.replace(/_/g, " ");
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** Where a masked value was, in words, from the share preview's path ("contact[2].safe_times"
 *  → "Contact 2: safe times", "note[3].text" → "Note 3", "purpose" → "Purpose"); the same
 *  wording as the core's labels for shared and withheld fields. */
export function placeLabel(path: string): string {
  if (path === "recipient_name") return "Recipient's name";
  const m = /^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?$/.exec(path);
  if (!m) return "A detail";
  const [, head, item, field] = m;
  const section = SECTIONS[head];
  if (section === undefined) return words(field ? `${head} ${field}` : head);
  if (head === "note" && (field === "text" || !field)) return item ? `Note ${item}` : "Note";
  if (!section) return words(field ?? head);
  const place = item ? `${section} ${item}` : section;
  return field ? `${place}: ${words(field).toLowerCase()}` : place;
}
