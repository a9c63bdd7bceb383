import { describe, expect, it } from "vitest";
import { daysUntil, displayPhone, dueText, initials, passphraseStrength, recipientLabel } from "./logic";

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
