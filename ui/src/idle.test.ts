import { describe, expect, it } from "vitest";
import { ACTIVITY_EVERY_MS, announced, countdownText, reportDue } from "./idle";
import { draftText, riskDraft } from "./drafts";

describe("the idle lock, done kindly", () => {
  it("reports activity at most every few seconds", () => {
    expect(ACTIVITY_EVERY_MS).toBeGreaterThanOrEqual(1000);
    expect(ACTIVITY_EVERY_MS).toBeLessThanOrEqual(5000);
    expect(reportDue(0, 10_000)).toBe(true);
    expect(reportDue(10_000, 10_000 + ACTIVITY_EVERY_MS - 1)).toBe(false);
    expect(reportDue(10_000, 10_000 + ACTIVITY_EVERY_MS)).toBe(true);
  });
  it("counts down in words", () => {
    expect(countdownText(60)).toBe("in 1 minute");
    expect(countdownText(45)).toBe("in 45 seconds");
    expect(countdownText(1)).toBe("in 1 second");
    expect(countdownText(0)).toBe("now");
  });
  it("announces the countdown sparingly: at the start, then 30, 20 and 10 seconds", () => {
    const spoken = Array.from({ length: 61 }, (_, i) => 60 - i).filter((left) => announced(left, 60));
    expect(spoken).toEqual([60, 30, 20, 10]);
    // A warning that opens with 20 s left is announced once at the start, then at 10.
    expect(Array.from({ length: 21 }, (_, i) => 20 - i).filter((left) => announced(left, 20))).toEqual([20, 10]);
  });
});

describe("drafts", () => {
  it("offers a draft back in plain words", () => {
    expect(draftText({ kind: "risk_checklist", case_reference: "CK-0042", initials: "A.E." })).toBe("Risk checklist for CK-0042 · A.E., unfinished");
    expect(draftText({ kind: "note", case_reference: "CK-0007", initials: "B.C." })).toBe("Note for CK-0007 · B.C., unfinished");
    expect(draftText({ kind: "consent", case_reference: "AB12", initials: "A.E." })).toBe("Consent for AB12 · A.E., unfinished");
    expect(draftText({ kind: "edit_client", case_reference: "AB12", initials: "A.E." })).toBe("Changes to the record for AB12 · A.E., unfinished");
    // An enquiry is recorded before anyone is looked up: no client.
    expect(draftText({ kind: "enquiry", case_reference: null, initials: null })).toBe("Enquiry, unfinished");
  });
  it("restores a checklist's answers and leaves anything odd unanswered", () => {
    const d = riskDraft({ date: "2026-11-30", answers: ["yes", "no", "maybe", null, "not_known"], professional_judgement: true, judgement_reason: "threats", police_incidents_12m: "2" }, 6);
    expect(d.answers).toEqual(["yes", "no", null, null, "not_known", null]);
    expect(d.date).toBe("2026-11-30");
    expect(d.judgement).toBe(true);
    expect(d.reason).toBe("threats");
    expect(d.incidents).toBe("2");
    const bad = riskDraft({ date: "30/11/2026<script>", answers: "yes", professional_judgement: "yes" }, 2);
    expect(bad).toEqual({ date: null, answers: [null, null], judgement: false, reason: "", incidents: "" });
  });
});
