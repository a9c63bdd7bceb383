import { describe, expect, it } from "vitest";
import { dueWords, grouped, matches, sentence, shortDate, staleWarning } from "./todayLogic";
import type { TodayRow } from "./bindings/TodayRow";
import type { QueueKind } from "./bindings/QueueKind";

function row(over: Partial<TodayRow> & { kind?: QueueKind; due?: string; ref?: string; initials?: string } = {}): TodayRow {
  return {
    group: over.group ?? "today",
    mine: over.mine ?? true,
    channel: over.channel ?? null,
    badge: null,
    item: {
      due: over.due ?? "2026-03-02",
      overdue: over.group === "overdue",
      kind: over.kind ?? "safe_contact_review",
      client_id: 1,
      case_reference: over.ref ?? "CK-0001",
      initials: over.initials ?? "A.E.",
      what: "Re-confirm safe contact 1 (phone): review date 2026-03-01",
      request: null,
    },
  };
}

describe("Today wording", () => {
  it("says each kind in plain words, by channel for a safe-contact check", () => {
    expect(sentence(row({ channel: "phone" }))).toBe("Call to check their safe number still works");
    expect(sentence(row({ channel: "email" }))).toBe("Check their safe e-mail address still works");
    expect(sentence(row({ channel: null }))).toBe("Check their safe contact arrangement still works");
    expect(sentence(row({ kind: "request_approved" }))).toBe("Your share request was approved: finish the share");
    const kinds: QueueKind[] = ["safe_contact_review", "consent_review", "marac_meeting", "marac_action", "approval", "share_request", "request_approved", "request_rejected", "enquiry_alert"];
    for (const k of kinds) {
      const s = sentence(row({ kind: k, channel: "phone" }));
      expect(s, k).not.toMatch(/\b(she|her|he|his|him)\b/i);
      expect(s, k).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(s, k).not.toBe(row().item.what);
    }
  });
  it("writes dates as people read them", () => {
    expect(shortDate("2026-10-22", "2026-12-02")).toBe("22 Oct");
    expect(shortDate("2025-10-22", "2026-12-02")).toBe("22 Oct 2025");
    expect(shortDate("2026-02-30", "2026-12-02")).toBe("2026-02-30");
    expect(dueWords(row({ group: "overdue", due: "2026-03-01" }), "2026-03-02")).toBe("Overdue since Sun 1 Mar");
    expect(dueWords(row({ group: "today" }), "2026-03-02")).toBe("Due today");
    expect(dueWords(row({ group: "this_week", due: "2026-03-04" }), "2026-03-02")).toBe("Due Wed 4 Mar");
  });
});

describe("Today groups and search", () => {
  const rows = [
    row({ group: "this_week", ref: "CK-0003", initials: "C.E.", mine: false }),
    row({ group: "overdue", ref: "CK-0001", initials: "A.E." }),
    row({ group: "today", ref: "CK-0002", initials: "B.E." }),
    row({ group: "overdue", ref: "CK-0004", initials: "D.F.", mine: false }),
  ];
  it("puts rows in Overdue, Today, This week order and leaves out empty groups", () => {
    const all = grouped(rows, "all");
    expect(all.map((g) => g.label)).toEqual(["Overdue", "Today", "This week"]);
    expect(all[0].rows.map((r) => r.item.case_reference)).toEqual(["CK-0001", "CK-0004"]);
    const mine = grouped(rows, "mine");
    expect(mine.map((g) => g.label)).toEqual(["Overdue", "Today"]);
    expect(mine.flatMap((g) => g.rows).every((r) => r.mine)).toBe(true);
  });
  it("filters by case reference or initials, ignoring case, dots and spaces", () => {
    expect(matches(rows[0], "ck-0003")).toBe(true);
    expect(matches(rows[0], "0003")).toBe(true);
    expect(matches(rows[0], "c e")).toBe(true);
    expect(matches(rows[0], "CK-0001")).toBe(false);
    expect(matches(rows[0], "  ")).toBe(true);
    expect(grouped(rows, "all", "d.f").flatMap((g) => g.rows).map((r) => r.item.case_reference)).toEqual(["CK-0004"]);
    expect(grouped(rows, "mine", "d.f")).toEqual([]);
  });
});

describe("the card's stale warning", () => {
  it("warns plainly when the review date passed or the arrangement is unconfirmed", () => {
    expect(staleWarning({ last_confirmed: "2026-10-22", cautions: ["review_overdue"] }, "2026-12-02")).toBe("Not confirmed since 22 Oct — check before relying on it");
    expect(staleWarning({ last_confirmed: "2025-10-22", cautions: ["unconfirmed"] }, "2026-12-02")).toBe("Not confirmed since 22 Oct 2025 — check before relying on it");
    expect(staleWarning({ last_confirmed: null, cautions: ["unconfirmed"] }, "2026-12-02")).toBe("Never confirmed — check before relying on it");
    expect(staleWarning({ last_confirmed: "2026-11-30", cautions: ["outside_safe_times"] }, "2026-12-02")).toBeNull();
  });
});
