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
