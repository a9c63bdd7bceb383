// Issue 17 items 10–12: titles, zoom steps, the passphrase toggle, the guide, plain times.
import { describe, expect, it } from "vitest";
import { documentTitle, screenName, uncover } from "./screen";
import { parseZoom, stepZoom, zoomKey, zoomLabel } from "./zoom";
import { CAPS_LOCK_WARNING, capsText, toggleState } from "./passfield";
import { inline, parseGuide } from "./guide";
import { placeLabel, plainDateTime } from "./plain";
import { exitMarker, noteExit, overtaken } from "./working";

describe("screen titles", () => {
  it("names fixed screens as their heading says", () => {
    expect(documentTitle(screenName("Record consent"))).toBe("Record consent – Casekeep");
    expect(documentTitle(screenName("Settings"))).toBe("Settings – Casekeep");
    expect(documentTitle(screenName("Unlock Casekeep"))).toBe("Unlock – Casekeep");
    expect(documentTitle(screenName("Welcome to Casekeep"))).toBe("Welcome – Casekeep");
  });
  it("never puts a record value in the title", () => {
    const cases: Array<[string, string]> = [
      ["Ada Sentinelperson · CK-0001 · HIGH", "Client record"],
      ["A.S. · CK-0001 · NOT ASSESSED", "Client record"],
      ["Risk checklist for CK-0001", "Risk checklist"],
      ["Refer CK-0001 to MARAC", "Refer to MARAC"],
      ["Referral 2 for CK-0001", "MARAC referral"],
      ["Edit CK-0001", "Edit client details"],
      ["Caseload (12)", "Caseload"],
      ["Share request 7", "Share request"],
      ["Finish share request 7", "Finish a share request"],
      ["Check your answers before signing the consent", "Check your answers"],
    ];
    for (const [h1, name] of cases) {
      const title = documentTitle(screenName(h1));
      expect(title).toBe(`${name} – Casekeep`);
      expect(title).not.toMatch(/CK-0001|Sentinel|A\.S\./);
    }
  });
  it("gives a heading it does not know no title of its own", () => {
    expect(screenName("Ada Sentinelperson")).toBeNull();
    expect(documentTitle(screenName("Ada Sentinelperson"))).toBe("Casekeep");
    expect(documentTitle(null)).toBe("Casekeep");
  });
  it("prefers a screen's data-title, and prefixes Error:", () => {
    expect(screenName("Help: the caseworker's guide", "Help")).toBe("Help");
    expect(documentTitle("Record consent", true)).toBe("Error: Record consent – Casekeep");
  });
});

describe("focus clear of the sticky score", () => {
  it("scrolls up just enough when focus is under the bar, not at all when clear", () => {
    expect(uncover(10, 40, 0, 50)).toBe(48);
    expect(uncover(60, 90, 0, 50)).toBe(0);
    expect(uncover(-30, -5, 0, 50)).toBe(0);
  });
});

describe("zoom", () => {
  it("steps through the levels and stops at the ends", () => {
    expect(stepZoom(1, 1)).toBe(1.1);
    expect(stepZoom(1.75, 1)).toBe(2);
    expect(stepZoom(4, 1)).toBe(4);
    expect(stepZoom(1, -1)).toBe(0.9);
    expect(stepZoom(0.5, -1)).toBe(0.5);
    expect(stepZoom(2, -1)).toBe(1.75);
    expect(stepZoom(1.3, -1)).toBe(1.25);
  });
  it("reads back only known levels", () => {
    expect(parseZoom("2")).toBe(2);
    expect(parseZoom("7")).toBe(1);
    expect(parseZoom("abc")).toBe(1);
    expect(parseZoom(null)).toBe(1);
  });
  it("knows its keys", () => {
    expect(zoomKey({ ctrlKey: true, key: "+" })).toBe("in");
    expect(zoomKey({ ctrlKey: true, key: "=" })).toBe("in");
    expect(zoomKey({ ctrlKey: true, key: "x", code: "NumpadAdd" })).toBe("in");
    expect(zoomKey({ ctrlKey: true, key: "-" })).toBe("out");
    expect(zoomKey({ ctrlKey: true, key: "0" })).toBe("reset");
    expect(zoomKey({ ctrlKey: false, key: "+" })).toBeNull();
    expect(zoomKey({ ctrlKey: true, altKey: true, key: "+" })).toBeNull();
    expect(zoomKey({ ctrlKey: true, key: "L" })).toBeNull();
    expect(zoomLabel(1.25)).toBe("125 %");
  });
});

describe("passphrase fields", () => {
  it("toggles between hidden and shown with a matching name and state", () => {
    expect(toggleState(false)).toEqual({ type: "password", label: "Show passphrase", pressed: "false" });
    expect(toggleState(true)).toEqual({ type: "text", label: "Hide passphrase", pressed: "true" });
  });
  it("warns only while Caps Lock is on", () => {
    expect(capsText(true)).toBe(CAPS_LOCK_WARNING);
    expect(capsText(false)).toBe("");
  });
  it("notices a quick exit during a slow call", () => {
    const m = exitMarker();
    expect(overtaken(m)).toBe(false);
    noteExit();
    expect(overtaken(m)).toBe(true);
    expect(overtaken(exitMarker())).toBe(false);
  });
});

describe("the guide in the app", () => {
  it("reads headings, paragraphs, lists and pictures, and keeps heading levels in order", () => {
    const blocks = parseGuide([
      "# Title",
      "",
      "Intro with **bold**, `code` and a [link](ADMIN.md)",
      "over two lines.",
      "",
      "## 1. Section",
      "",
      "- one",
      "  continued",
      "- two",
      "",
      "1. first",
      "2. second",
      "",
      "![A picture of the unlock screen](img/unlock.png)",
      "### Sub",
    ].join("\n"));
    expect(blocks).toEqual([
      { kind: "para", parts: [{ text: "Intro with " }, { text: "bold", strong: true }, { text: ", " }, { text: "code", code: true }, { text: " and a link over two lines." }] },
      { kind: "heading", level: 2, text: "1. Section" },
      { kind: "list", ordered: false, items: [[{ text: "one continued" }], [{ text: "two" }]] },
      { kind: "list", ordered: true, items: [[{ text: "first" }], [{ text: "second" }]] },
      { kind: "picture", alt: "A picture of the unlock screen" },
      { kind: "heading", level: 3, text: "Sub" },
    ]);
  });
  it("drops emphasis stars and inline images", () => {
    expect(inline("say *this* ![x](y.png)now")).toEqual([{ text: "say this now" }]);
  });
});

describe("plain times", () => {
  it("writes a time as people do", () => {
    expect(plainDateTime(new Date(2026, 11, 1, 14, 20))).toBe("1 Dec 2026, 14:20");
    expect(plainDateTime(new Date(2026, 0, 9, 8, 5))).toBe("9 Jan 2026, 08:05");
  });
});

describe("places in words", () => {
  it("names where a masked value was without internal paths", () => {
    expect(placeLabel("contact[2].safe_times")).toBe("Contact 2: safe times");
    expect(placeLabel("note[3].text")).toBe("Note 3");
    expect(placeLabel("perpetrator.orders")).toBe("Person causing harm: orders");
    expect(placeLabel("client.full_name")).toBe("Full name");
    expect(placeLabel("purpose")).toBe("Purpose");
    expect(placeLabel("recipient_name")).toBe("Recipient's name");
    expect(placeLabel("Something odd!")).toBe("A detail");
  });
});
