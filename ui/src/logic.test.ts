import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConsentMethod } from "./bindings/ConsentMethod";
import { RECIPIENTS, vocabulary, cardWarnings, daysText, daysUntil, displayPhone, dueText, initials, longDate, looksLikePhone, maskedKind, passphraseStrength, recipientLabel, runningScore, shortDate, todayIso, windowText, windowsToSend } from "./logic";

describe("passphrase strength", () => {
  it("refuses short passphrases and rewards unrelated words", () => {
    expect(passphraseStrength("short").score).toBe(0);
    expect(passphraseStrength("aaaaaaaaaaaaaaaa").score).toBe(1);
    expect(passphraseStrength("correct horse battery staple").score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength("short").advice).toMatch(/12 characters/);
  });
});

describe("caseload masking and display", () => {
  it("masks names to initials", () => {
    expect(initials("Ada Example")).toBe("A.E.");
    expect(initials("  zoë  łukasz ")).toBe("Z.Ł.");
  });
  it("shows UK numbers as people read them and leaves others alone", () => {
    expect(displayPhone("+447700900123")).toBe("07700 900123");
    expect(displayPhone("+33123456789")).toBe("+33123456789");
  });
});

describe("what is due", () => {
  it("counts days and says overdue, today or soon", () => {
    expect(daysUntil("2026-12-01", "2026-11-28")).toBe(3);
    expect(dueText("2026-11-25", "2026-11-28")).toEqual({ text: "Safe contact check overdue (3 days)", urgent: true });
    expect(dueText("2026-11-28", "2026-11-28")?.urgent).toBe(true);
    expect(dueText("2026-11-29", "2026-11-28")?.text).toBe("Safe contact check due in 1 day");
    expect(dueText("2027-01-01", "2026-11-28")).toBeNull();
    expect(dueText(null, "2026-11-28")).toBeNull();
  });
  it("labels recipients", () => {
    expect(recipientLabel("childrens_social_care")).toBe("Children's social care");
  });
});

describe("the risk checklist's running score", () => {
  const cfg = { marac_score: 14, escalation_incidents: 3, medium_from: 10, high_from: 14 };
  const answers = (yes: number, notKnown: number, unanswered = 0) =>
    Array.from({ length: 24 }, (_, i) => (i < yes ? "yes" : i < yes + notKnown ? "not_known" : i < 24 - unanswered ? "no" : null));
  it("meets the referral criteria at 14, not at 13, and never counts not known", () => {
    expect(runningScore(answers(13, 11), false, null, cfg)).toMatchObject({ score: 13, notKnown: 11, level: "medium", criteria: [] });
    expect(runningScore(answers(14, 0), false, null, cfg)).toMatchObject({ score: 14, level: "high", criteria: ["visible high risk"] });
    expect(runningScore(answers(0, 24), false, null, cfg).score).toBe(0);
  });
  it("follows the vault's own threshold and the other criteria", () => {
    const strict = { ...cfg, marac_score: 17, high_from: 17 };
    expect(runningScore(answers(16, 0), false, null, strict).criteria).toEqual([]);
    expect(runningScore(answers(17, 0), false, null, strict).criteria).toEqual(["visible high risk"]);
    expect(runningScore(answers(2, 0), true, 3, cfg)).toMatchObject({ level: "high", criteria: ["professional judgement", "potential escalation"] });
    expect(runningScore(answers(2, 0, 5), false, 2, cfg)).toMatchObject({ unanswered: 5, level: "standard", criteria: [] });
  });
});

describe("firewall masking kinds", () => {
  it("names every kind of value in words", () => {
    expect(maskedKind("code_word")).toBe("code word");
    expect(maskedKind("outward_code")).toBe("postcode district");
    expect(maskedKind("address")).toBe("address");
    expect(maskedKind("name_part")).toBe("name");
  });
});

describe("safe-contact windows and warnings", () => {
  it("writes days and windows the way people read them", () => {
    expect(daysText(["mon", "tue", "wed", "thu", "fri"])).toBe("Mon–Fri");
    expect(daysText(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])).toBe("every day");
    expect(daysText(["sat", "sun"])).toBe("Sat, Sun");
    expect(daysText(["mon", "wed", "thu", "fri", "sun"])).toBe("Mon, Wed–Fri, Sun");
    expect(windowText({ days: ["mon", "tue", "wed", "thu", "fri"], from: "10:00", to: "12:00" })).toBe("Mon–Fri 10:00–12:00");
    expect(windowText({ days: ["sat", "sun"], from: "00:00", to: "24:00" })).toBe("Sat, Sun all day");
  });
  it("says stale and outside safe times plainly", () => {
    expect(cardWarnings([])).toEqual([]);
    expect(cardWarnings(["outside_safe_times", "review_overdue"])).toEqual(["OUTSIDE SAFE TIMES now", "STALE: review date passed"]);
    expect(cardWarnings(["unconfirmed"])).toEqual(["STALE: not confirmed recently"]);
    expect(cardWarnings(["no_known_safe_time", "do_not_use"])).toEqual(["DO NOT USE", "NO KNOWN SAFE TIME"]);
  });
  it("on the card, leaves 'outside safe times' to the live badge and keeps every other caution", () => {
    const all = ["do_not_use", "outside_safe_times", "no_known_safe_time", "review_overdue", "unconfirmed"];
    expect(cardWarnings(all, true)).toEqual(["DO NOT USE", "NO KNOWN SAFE TIME", "STALE: review date passed", "STALE: not confirmed recently"]);
    expect(cardWarnings(["outside_safe_times"], true)).toEqual([]);
    expect(cardWarnings(all)).toContain("OUTSIDE SAFE TIMES now");
  });
  it("sends edited windows, re-reads the words when only they changed, else keeps the stored ones", () => {
    const stored = [{ days: ["mon"], from: "10:00", to: "12:00" }];
    const edited = [{ days: ["sat"], from: "09:00", to: "11:00" }];
    expect(windowsToSend(stored, edited, true)).toEqual(edited);
    expect(windowsToSend(stored, null, true)).toBeUndefined();
    expect(windowsToSend(stored, null, false)).toEqual(stored);
    expect(windowsToSend(undefined, null, false)).toBeUndefined();
    expect(windowsToSend(stored, [], false)).toEqual([]);
  });
});

// "Today" in the page is the laptop's date (UK time here, BST included), not UTC's: the
// date inputs' defaults, "last confirmed" and what the card says is due.
describe("local dates across the 2027 UK clock changes", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
    process.env.TZ = "Europe/London"; // Node re-reads TZ when it is set
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  it("takes today's date from the laptop's time zone", () => {
    const cases: Array<[string, string]> = [
      ["2027-03-27T23:30:00Z", "2027-03-27"], // 23:30 GMT
      ["2027-03-28T00:30:00Z", "2027-03-28"], // 00:30 GMT, before the change
      ["2027-03-28T23:30:00Z", "2027-03-29"], // 00:30 BST: UTC still says the 28th
      ["2027-10-30T23:30:00Z", "2027-10-31"], // 00:30 BST, the night the clocks go back
      ["2027-10-31T00:30:00Z", "2027-10-31"], // 01:30 BST
      ["2027-10-31T01:30:00Z", "2027-10-31"], // 01:30 GMT
      ["2027-10-31T23:30:00Z", "2027-10-31"], // 23:30 GMT: summer time would say Nov 1
    ];
    for (const [at, local] of cases) {
      expect(todayIso(new Date(at)), at).toBe(local);
    }
    // The UTC way of writing a date is another day at 00:30 BST (what this guards against).
    expect(new Date("2027-10-30T23:30:00Z").toISOString().slice(0, 10)).toBe("2027-10-30");
  });
  it("counts whole days across a 23- and a 25-hour day", () => {
    expect(daysUntil("2027-03-29", "2027-03-27")).toBe(2);
    expect(daysUntil("2027-11-01", "2027-10-30")).toBe(2);
    const today = todayIso(new Date("2027-10-30T23:30:00Z"));
    expect(dueText("2027-10-31", today)?.text).toBe("Safe contact check due today");
    expect(dueText("2027-10-30", today)?.text).toBe("Safe contact check overdue (1 day)");
  });
});

describe("dates as people read them", () => {
  it("long: 12 April 1990, whatever the locale", () => {
    expect(longDate("1990-04-12")).toBe("12 April 1990");
    expect(longDate("2026-12-01")).toBe("1 December 2026");
    expect(longDate("2026-12-01T10:30:00")).toBe("1 December 2026");
    expect(longDate(null)).toBe("");
    expect(longDate("2026-02-30")).toBe("2026-02-30");
  });
  it("short, in lists: Tue 1 Dec, with the year only when it is not this year", () => {
    expect(shortDate("2026-12-01", "2026-11-30")).toBe("Tue 1 Dec");
    expect(shortDate("1990-04-12", "2026-11-30")).toBe("Thu 12 Apr 1990");
    expect(shortDate("", "2026-11-30")).toBe("");
  });
});

describe("a phone number's shape", () => {
  it("accepts UK and international numbers as people type them, refuses the rest", () => {
    for (const ok of ["07700 900123", "07700900123", "(020) 7946 0000", "+44 7700 900123", "+33 1 23 45 67 89"]) expect(looksLikePhone(ok), ok).toBe(true);
    for (const bad of ["", "077009001", "7700 900123", "call me", "07700 900123 ext 4", "+0 123"]) expect(looksLikePhone(bad), bad).toBe(false);
  });
});

describe("vocabularies typed by the core's bindings", () => {
  it("keep the order their words are written in, each value with its words", () => {
    expect(RECIPIENTS.map(([k]) => k)).toEqual(["marac", "childrens_social_care", "police", "health", "housing"]);
    expect(vocabulary<"b" | "a">({ b: "Bee", a: "Ay" })).toEqual([["b", "Bee"], ["a", "Ay"]]);
    // A vocabulary missing a value of its binding does not compile (`npm run typecheck`).
    // @ts-expect-error: "other" has no words
    expect(vocabulary<ConsentMethod>({ verbal: "Verbally", written: "In writing" })).toHaveLength(2);
  });
});
