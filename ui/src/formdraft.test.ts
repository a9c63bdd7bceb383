import { describe, expect, it } from "vitest";
import { untrustedText } from "./drafts";
import { changedValues, draftContext } from "./formdraft";

describe("a form's draft", () => {
  it("keeps only what the worker changed from the form as first shown", () => {
    const base = { "0": "", "1": "", "3": false, "4": "2026-12-02" };
    const now = { "0": "police", "1": "", "3": true, "4": "2026-12-02", "5": "typed in a new row" };
    expect(changedValues(now, base)).toEqual({ "0": "police", "3": true, "5": "typed in a new row" });
    // Nothing changed: nothing kept, so nothing can come back chosen.
    expect(changedValues(base, base)).toEqual({});
  });
  it("reads a form's own context only when it is an object", () => {
    expect(draftContext({ context: { referral: 2, actions: 3 } })).toEqual({ referral: 2, actions: 3 });
    expect(draftContext({ context: [1] })).toEqual({});
    expect(draftContext({ context: "x" })).toEqual({});
    expect(draftContext(undefined)).toEqual({});
  });
  it("says plainly, without values, that an untrusted draft was removed", () => {
    expect(untrustedText(1)).toBe("An unfinished form could not be trusted (it was not signed by you, or was changed after you left it) and was removed.");
    expect(untrustedText(3)).toMatch(/^3 unfinished forms could not be trusted .* were removed\.$/);
  });
});
