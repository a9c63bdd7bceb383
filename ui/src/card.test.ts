import { describe, expect, it } from "vitest";
import { OUTCOMES, historyText, localDay, longDate } from "./card";

describe("the card's history and dates", () => {
  it("writes a calendar date in words, without a time zone shift", () => {
    expect(longDate("2027-03-01")).toBe("1 March 2027");
    expect(longDate("2026-12-31T23:59:59.000000Z")).toBe("31 December 2026");
    expect(longDate("not a date")).toBe("not a date");
  });

  it("dates a logged instant by the laptop's local day", () => {
    const at = "2027-06-30T23:30:00.000000Z";
    const d = new Date(at);
    const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    expect(localDay(at)).toBe(local);
    expect(localDay("garbage")).toBe("garbage");
  });

  it("says what each signed entry was, in words", () => {
    expect(historyText({ event: "safe_contact_confirmed", contact: 1, outcome: null, flagged_for_review: false })).toBe("Confirmed contact 1 with them");
    expect(historyText({ event: "contact_attempt", contact: 2, outcome: "no_answer", flagged_for_review: false })).toBe("Tried contact 2: no answer");
    expect(historyText({ event: "contact_attempt", contact: 2, outcome: "number_not_working", flagged_for_review: true })).toBe("Tried contact 2: number not working (flagged for review)");
    expect(historyText({ event: "do_not_use_lifted", contact: 3, outcome: null, flagged_for_review: false })).toBe("Made contact 3 usable (it was marked do not use)");
  });

  it("offers exactly the core's outcomes, none chosen", () => {
    expect(OUTCOMES.map(([v]) => v)).toEqual(["spoke", "no_answer", "not_safe_to_talk", "number_not_working"]);
  });
});
