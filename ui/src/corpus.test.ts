// Every refusal the core writes for a form's input, read from the core's source, comes out
// of `explain` in the reader's words: no CLI flag, no backticked path, and a path it names
// has a label (fieldnames.ts).
import { describe, expect, it } from "vitest";
import { FIELD_LABELS, explain, labelFor } from "./fieldnames";
import clients from "../../src/casework/clients.rs?raw";
import consent from "../../src/casework/consent.rs?raw";
import enquiry from "../../src/casework/enquiry.rs?raw";
import ipc from "../../src/ipc.rs?raw";
import marac from "../../src/casework/marac.rs?raw";
import record from "../../src/record.rs?raw";
import retention from "../../src/casework/retention.rs?raw";
import risk from "../../src/record/risk.rs?raw";
import safeTimes from "../../src/record/safe_times.rs?raw";
import settings from "../../src/record/settings.rs?raw";
import share from "../../src/sharing/share.rs?raw";
import request from "../../src/sharing/share/request.rs?raw";
import contactLog from "../../src/casework/contact_log.rs?raw";
import configure from "../../src/casework/configure.rs?raw";
import input from "../../src/support/input.rs?raw";

const SOURCES: Record<string, string> = { clients, consent, enquiry, ipc, marac, record, retention, risk, safeTimes, settings, share, request, contactLog, configure, input };

function sample(end: string): string {
  const key = Object.keys(FIELD_LABELS).find((k) => (end ? k.endsWith(end) && k !== end.slice(1) : k.endsWith("[]")));
  return (key ?? `contacts[]${end}`).replace(/\[\]/g, "[0]");
}

/** The first string literal of each `Error::invalid(…)`, its `{…}` filled with a sample. */
function messages(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/Error::invalid\(\s*(?:format!\(\s*)?"((?:[^"\\]|\\.)*)"/g)) {
    const text = m[1]
      .replace(/\\"/g, '"')
      // A path built at run time (`{p}.text`): the table's path with that ending.
      .replace(/\{(?:path|p|vpath|field)\}((?:\.[a-z_0-9]+)?)/g, (_, end: string) => sample(end))
      .replace(/\{i\}/g, "0")
      .replace(/\{[^}]*\}/g, "7");
    out.push(text);
  }
  return out;
}

describe("the core's refusals, as the app shows them", () => {
  const all = Object.entries(SOURCES).flatMap(([file, src]) => messages(src).map((m) => [file, m] as const));
  it("reads the core's messages (the scan is not empty)", () => {
    expect(all.length).toBeGreaterThan(60);
  });
  it("names fields, never a CLI flag (each front end says a field its own way)", () => {
    const flags = all.filter(([, m]) => /(^|[\s(])--[a-z]/.test(m)).map(([file, m]) => `${file}: ${m}`);
    expect(flags, flags.join("\n")).toEqual([]);
  });
  it("never shows a CLI flag or a field path, and labels every path it names", () => {
    const bad: string[] = [];
    for (const [file, m] of all) {
      const e = explain(m);
      if (/(^|[\s(])--[a-z]/.test(e.message) || e.message.includes("`")) bad.push(`${file}: ${m}\n  → ${e.message}`);
      if (e.path && !labelFor(e.path)) bad.push(`${file}: ${m}\n  → no label for ${e.path}`);
    }
    expect(bad, bad.join("\n")).toEqual([]);
  });
});
