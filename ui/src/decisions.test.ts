import { describe, expect, it } from "vitest";
import { detailRows, filterArgs } from "./decisions";
import type { DecisionDetail } from "./bindings/DecisionDetail";

const refusal: DecisionDetail = {
  row: { id: 9, when: "Tue 1 Dec 2026, 14:20", kind: "consent_refused", what: "Consent refused: the police", client: 3, case: "CK-0003 · B.E.", recipient: "police", by: "cara", awaiting_approval: false },
  recipient_label: "Police",
  recipient_name: null,
  purpose: "Criminal investigation",
  consent: "Consent refused",
  lawful_basis: null,
  justification: null,
  reason: "She fears retaliation",
  told: null,
  advice: null,
  emergency: false,
  method: "verbal",
  review_on: null,
  fields_shared: [],
  fields_withheld: [],
  approval: null,
  approved_by: null,
  approved_when: null,
  file_sha256: null,
  file_format: null,
  chain_head: null,
};

describe("the decision detail in plain words", () => {
  it("a refusal reads as a refusal, with the case and never an internal id", () => {
    const rows = detailRows(refusal);
    expect(rows).toContainEqual(["Consent", "Consent refused"]);
    expect(rows).toContainEqual(["Case", "CK-0003 · B.E."]);
    expect(rows.map(([, v]) => v).join(" ")).not.toContain("consent_recorded");
    // Nothing recorded, nothing shown: no empty "Lawful basis" row.
    expect(rows.map(([l]) => l)).not.toContain("Lawful basis");
  });

  it("a share names its approver and whether the person was told", () => {
    const share: DecisionDetail = { ...refusal, row: { ...refusal.row, kind: "share", what: "Shared with the police" }, consent: "Consent withdrawn", lawful_basis: "Preventing or detecting crime", told: "No — telling them would not be safe", approval: "Approved by dana, Tue 1 Dec 2026, 15:00" };
    const rows = detailRows(share);
    expect(rows).toContainEqual(["Approval", "Approved by dana, Tue 1 Dec 2026, 15:00"]);
    expect(rows).toContainEqual(["Was the person told?", "No — telling them would not be safe"]);
    expect(rows).toContainEqual(["Lawful basis", "Preventing or detecting crime"]);
  });

  it("filters leave out what was not chosen", () => {
    expect(filterArgs({ client: null, recipient: "", kind: "share", awaiting_approval: false })).toEqual({ kind: "share" });
    expect(filterArgs({ client: 4, awaiting_approval: true })).toEqual({ client: 4, awaiting_approval: true });
  });
});
