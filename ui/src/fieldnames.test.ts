import { describe, expect, it } from "vitest";
import { FIELD_LABELS, explain, labelFor, pattern } from "./fieldnames";
import { CHILD_FIELDS, CLIENT_FIELDS, CONTACT_FIELDS, PERPETRATOR_FIELDS } from "./edit";

describe("the core's field paths in the reader's words", () => {
  it("puts a refused phone number in plain words at its field, never the path", () => {
    const e = explain("`contacts[0].value` is not a valid phone number (UK numbers may be written 07700 900123; others need +country code)");
    expect(e.path).toBe("contacts[0].value");
    expect(e.message).toMatch(/^Contact 1: Enter a UK phone number, like 07700 900123/);
    expect(e.message).not.toMatch(/`|contacts\[|value/);
  });
  it("knows the field a sentence names in brackets, and drops the brackets", () => {
    const e = explain("no consent is recorded for police (prevent_detect_crime): sharing without consent needs a lawful basis (`lawful_basis`) and a justification, approved by a manager");
    expect(e.message).not.toContain("`");
    expect(e.message).not.toContain("(lawful");
    expect(e.path).toBe("lawful_basis");
    const r = explain("a decision not to share needs a reason of at least 10 characters (`reason`)");
    expect(r).toEqual({ path: "reason", message: "A decision not to share needs a reason of at least 10 characters" });
    const n = explain("`number` is not a phone number Casekeep can read (a UK number, or an international one starting with +)");
    expect(n).toEqual({ path: "number", message: "Enter a phone number, like 07700 900123 (a number abroad starts with + and its country code)" });
  });
  it("words the common problems specifically", () => {
    expect(explain("`full_name` is required and may not be empty")).toEqual({ path: "full_name", message: "Enter their full name" });
    expect(explain("`date_of_birth` is in the future").message).toBe("Date of birth must be in the past");
    expect(explain("`contacts[1].last_confirmed` is in the future").message).toBe("Contact 2: Last confirmed must be today or in the past");
    expect(explain("`postcode` is not a UK postcode (for example DE1 1AA)").message).toBe("Enter a real postcode, like DE1 1AA");
    expect(explain("`contacts[0].review_due` is before `contacts[0].last_confirmed`").message).toBe("Contact 1: Review due must be the same as or after the date it was last confirmed");
    expect(explain("`children[0].school` is too long (300 characters; the limit is 200)").message).toBe("Child 1: School must be 200 characters or fewer");
    expect(explain("`contacts[0].safe_windows[1].from` must be a time written HH:MM (00:00 to 23:59)").message).toBe("Contact 1: Enter the start of the safe window as a time, like 09:30");
  });
  it("drops asides about CLI commands and names the app's own controls", () => {
    expect(explain("this enquiry is already linked to a client (an enquiry is linked once; `enquiry list` shows the link)").message).toBe("This enquiry is already linked to a client");
    expect(explain("an emergency share is shared now and approved afterwards: use `emergency` or `request`, not both").message).toBe("An emergency share is shared now and approved afterwards: use “Emergency” or “Ask a manager to approve”, not both");
    expect(explain("the review date is in the past")).toEqual({ path: "review_on", message: "Review date must be today or in the future" });
  });
  it("leaves a message that names no field as it is, capitalised", () => {
    expect(explain("The two passphrases are different.")).toEqual({ path: null, message: "The two passphrases are different." });
    expect(explain("not allowed: only a manager may do this")).toEqual({ path: null, message: "Not allowed: only a manager may do this" });
  });
  it("has a label for every field the edit form shows (the core reports them by these keys)", () => {
    const groups: Array<[string, Array<[string, ...unknown[]]>]> = [["", CLIENT_FIELDS], ["contacts[].", CONTACT_FIELDS], ["children[].", CHILD_FIELDS], ["perpetrator.", PERPETRATOR_FIELDS]];
    for (const [prefix, specs] of groups) {
      for (const [key] of specs) {
        expect(labelFor(`${prefix}${key}`.replace("[]", "[0]")), `${prefix}${key}`).toBeTruthy();
      }
    }
  });
  it("keys the table by patterns, with list indexes as []", () => {
    expect(pattern("contacts[3].safe_windows[12].to")).toBe("contacts[].safe_windows[].to");
    for (const key of Object.keys(FIELD_LABELS)) expect(pattern(key), key).toBe(key);
  });
});
