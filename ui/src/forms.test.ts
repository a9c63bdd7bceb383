import { describe, expect, it } from "vitest";
import { CONSENT_STATES, FORMS, answerText, clientLine, consentFromGate, consentSummary, declineSummary, enquirySummary, initialState, maracSummary, optionLabel, problems } from "./forms";

describe("forms start with nothing chosen", () => {
  it("every consequential question of every signing form starts unanswered", () => {
    for (const [name, questions] of Object.entries(FORMS)) {
      const init = initialState(questions as Record<string, Array<[string, string]>>);
      expect(Object.keys(init).sort(), name).toEqual(Object.keys(questions).sort());
      for (const [q, v] of Object.entries(init)) {
        expect(v, `${name}.${q}`).toBe("");
        // "" is never one of the choices, so the radio group starts with nothing checked.
        expect((questions as Record<string, Array<[string, string]>>)[q].some(([o]) => o === ""), `${name}.${q}`).toBe(false);
      }
    }
  });
  it("covers the answers issue 17 named: recipient, state, method, told, who asked", () => {
    expect(Object.keys(FORMS.consent)).toEqual(["recipient", "state", "method"]);
    expect(Object.keys(FORMS.decline)).toEqual(["recipient"]);
    expect(Object.keys(FORMS.share)).toEqual(["recipient", "told"]);
    expect(FORMS.share.told.map(([v]) => v)).toEqual(["yes", "no", "not_safe"]);
  });
});

describe("the client on every form", () => {
  it("names the client by case reference and initials only", () => {
    expect(clientLine({ case_reference: "CK-0042", initials: "A.E." })).toBe("CK-0042 · A.E.");
  });
});

describe("problems", () => {
  it("lists every failed check, in order, with its field", () => {
    const list = problems([
      [false, "recipient", "Choose who it is for."],
      [true, "purpose", "never shown"],
      [false, "state", "Choose what they decided."],
    ]);
    expect(list).toEqual([
      { field: "recipient", message: "Choose who it is for." },
      { field: "state", message: "Choose what they decided." },
    ]);
    expect(problems([[true, "x", "no"]])).toEqual([]);
  });
});

describe("check your answers", () => {
  const f = { recipient: "r", purpose: "p", state: "s", method: "m", reason: "why", review: "on" };
  it("puts a consent in plain words, each row with its Change target", () => {
    const rows = consentSummary({ recipient: "childrens_social_care", purpose: "Child protection enquiry", state: "lacks_capacity", method: "written", reason: "", review: "" }, f);
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ["Who it is for", "Children's social care"],
      ["Purpose", "Child protection enquiry"],
      ["What they decided", "Lacks capacity"],
      ["How it was given", "In writing"],
      ["Reason", "Not given"],
      ["Review on", "Not given"],
    ]);
    expect(rows.map((r) => r.change)).toEqual(["r", "p", "s", "m", "why", "on"]);
    const given = consentSummary({ recipient: "marac", purpose: "MARAC referral", state: "given", method: "verbal", reason: "", review: "" }, f);
    expect(given.find((r) => r.label === "Review on")?.value).toBe("In 3 months (the default)");
    expect(given.find((r) => r.label === "How it was given")?.value).toBe("Verbally");
    const dated = consentSummary({ recipient: "police", purpose: "x", state: "refused", method: "other", reason: "She said no", review: "2031-02-03" }, f);
    expect(dated.find((r) => r.label === "Review on")?.value).toBe("2031-02-03");
    expect(dated.find((r) => r.label === "Reason")?.value).toBe("She said no");
  });
  it("puts a decision not to share in plain words", () => {
    const rows = declineSummary({ recipient: "housing", purpose: "Other: a tenancy check", reason: "  No consent and no basis  " }, { recipient: 1, purpose: 2, reason: 3 });
    expect(rows.map((r) => [r.label, r.value, r.change])).toEqual([
      ["Who asked", "Housing", 1],
      ["What they asked for", "Other: a tenancy check", 2],
      ["Why you decided not to share", "No consent and no basis", 3],
    ]);
  });
  it("never shows an internal code when it knows the words", () => {
    for (const [v, l] of CONSENT_STATES) expect(optionLabel(CONSENT_STATES, v)).toBe(l);
    expect(optionLabel(CONSENT_STATES, "unknown_code")).toBe("unknown_code");
    expect(answerText("   ")).toBe("Not given");
    expect(answerText(null)).toBe("Not given");
  });
});

describe("check your answers: a MARAC referral", () => {
  const f = { referredOn: "d", reason: "r", meeting: "m", agencies: "a", actions: "x" };
  it("names every answer, the actions in one line each", () => {
    const rows = maracSummary(
      { referredOn: "2030-01-02", reason: "Visible high risk", meeting: "", agencies: ["Police", "Health"], actions: [{ agency: "Police", owner: "DS Example", due: "2030-01-20", done: false }, { agency: "Health", owner: "", description: "GP letter", due: "missing", done: true }] },
      f,
    );
    expect(rows.map((r) => [r.label, r.value, r.change])).toEqual([
      ["Date of referral", "2030-01-02", "d"],
      ["Reason for referral", "Visible high risk", "r"],
      ["Meeting date", "Not yet set", "m"],
      ["Agencies present", "Police, Health", "a"],
      ["Actions", "Police (DS Example), due 20 January 2030, open; Health (Not given): GP letter, due not given, done", "x"],
    ]);
  });
  it("leaves out the referral date of an update", () => {
    const rows = maracSummary({ referredOn: null, reason: "x", meeting: "2030-02-01", agencies: [], actions: [] }, f);
    expect(rows.map((r) => r.label)).toEqual(["Reason for referral", "Meeting date", "Agencies present", "Actions"]);
    expect(rows.find((r) => r.label === "Actions")?.value).toBe("None");
    expect(rows.find((r) => r.label === "Agencies present")?.value).toBe("None recorded");
  });
});

describe("the consent situation of a share without consent", () => {
  it("reads the gate's words into plain ones", () => {
    expect(consentFromGate("consent for marac (marac_referral) is withdrawn: sharing without consent needs a lawful basis")).toBe("Withdrawn");
    expect(consentFromGate("consent for police (general) is lacks_capacity: a share without consent needs a manager's approval")).toBe("Lacks capacity");
    expect(consentFromGate("consent for health is past its review date (2026-01-01): record it again, or share on a lawful basis")).toBe("Past its review date");
    expect(consentFromGate("no consent is recorded for housing (general): sharing without consent needs a lawful basis")).toBe("Not recorded");
    expect(consentFromGate(undefined)).toBe("Not given");
  });
});

describe("check your answers: an enquiry", () => {
  it("says what was asked and answered, and fills in the empty answers in words", () => {
    const f = { channel: 1, caller: 2, organisation: 3, callback: 4, asked: 5, response: 6, verified: 7, at: 8 };
    const rows = enquirySummary({ channel: "in_person", caller: "Pat Caller", organisation: " ", callback: "", asked: "Is she there?", response: "Neither confirm nor deny", verified: false, at: "" }, f);
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ["How they got in touch", "In person"],
      ["Who they said they were", "Pat Caller"],
      ["The organisation they said they were calling for", "None (a private caller)"],
      ["The call-back they gave", "None"],
      ["What they asked", "Is she there?"],
      ["What you told them", "Neither confirm nor deny"],
      ["Identity verified", "No"],
      ["When", "Now"],
    ]);
    expect(rows.map((r) => r.change)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const dated = enquirySummary({ channel: "phone", caller: "x", organisation: "Example Police", callback: "07700 900777", asked: "a", response: "b", verified: true, at: "2030-01-02T09:30" }, f);
    expect(dated.map((r) => r.value).slice(2)).toEqual(["Example Police", "07700 900777", "a", "b", "Yes", "2 January 2030 at 09:30"]);
  });
});
