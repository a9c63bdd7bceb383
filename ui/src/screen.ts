// What every screen change does besides drawing (issue 17 item 12): the document title
// names the screen and never a record value, and focus moves to the screen's h1.
//
// Many h1s carry record values (a client's name or case reference, a request number), so
// the title is never the h1's text as such: it is either an h1's `data-title` (a fixed
// string a screen may set) or the fixed name a rule below gives the h1's shape. A heading
// that matches no rule gives the plain "Casekeep", so a new screen can leak nothing.

export const APP_NAME = "Casekeep";

/** h1 texts that hold no record value and name their screen as they are. */
const AS_IS = new Set([
  "Restore from a backup",
  "Create your vault",
  "Your recovery key",
  "Unlock the demo vault",
  "Reset a passphrase with the recovery key",
  "Add a client",
  "Add a note",
  "Record consent",
  "Record a decision not to share",
  "Share: who and why",
  "Approval asked for",
  "Shared",
  "Approved",
  "Rejected",
  "Record an enquiry",
  "Decision log",
  "Settings",
  "Help",
]);

/** h1 shapes that carry a record value, each with the fixed screen name used instead. */
const RULES: Array<[RegExp, string]> = [
  [/^Welcome to Casekeep$/, "Welcome"],
  [/^Unlock Casekeep$/, "Unlock"],
  [/^Caseload \(\d+\)$/, "Caseload"],
  [/^Check your answers before /, "Check your answers"],
  [/^Risk checklist for /, "Risk checklist"],
  [/^Referral \d+ for /, "MARAC referral"],
  [/^Refer .* to MARAC$/, "Refer to MARAC"],
  [/^Edit /, "Edit client details"],
  [/^Share with .*: what leaves$/, "Share: what leaves"],
  [/^Finish share request \d+$/, "Finish a share request"],
  [/^Share request \d+$/, "Share request"],
  [/^Enquiry \d+ recorded$/, "Enquiry recorded"],
  [/^Link enquiry \d+ to a client$/, "Link an enquiry to a client"],
  [/^Enquiries/, "Enquiries"],
  // The client record's h1: "name · reference · RISK".
  [/ · .* · /, "Client record"],
];

/** The screen's name for an h1: its `data-title` if it has one, else the rules above. */
export function screenName(h1Text: string | null, dataTitle?: string | null): string | null {
  if (dataTitle && dataTitle.trim()) return dataTitle.trim();
  if (h1Text === null) return null;
  const t = h1Text.replace(/\s+/g, " ").trim();
  if (AS_IS.has(t)) return t;
  for (const [re, name] of RULES) if (re.test(t)) return name;
  return null;
}

/** The document title: "Record consent – Casekeep", "Error: Record consent – Casekeep"
 *  when the screen shows a problem, plain "Casekeep" for a screen without a known name. */
export function documentTitle(name: string | null, error = false): string {
  const base = name && name !== APP_NAME ? `${name} – ${APP_NAME}` : APP_NAME;
  return error ? `Error: ${base}` : base;
}

/** After a screen is drawn into `main`: the title, then focus on its h1 (made focusable
 *  with tabindex=-1), or on `main` if the screen has no h1. The page is not scrolled: the
 *  h1 is at the top. */
export function announceScreen(main: HTMLElement) {
  const h1 = main.querySelector("h1");
  document.title = documentTitle(screenName(h1?.textContent ?? null, h1?.getAttribute("data-title")), !!main.querySelector(".error-summary"));
  if (h1) {
    h1.setAttribute("tabindex", "-1");
    h1.focus({ preventScroll: true });
  } else {
    main.focus({ preventScroll: true });
  }
}

/** How far to scroll up so that a focused element whose box is `top`..`bottom` is not
 *  under a sticky bar ending at `barBottom` (0 when it is clear). */
export function uncover(top: number, bottom: number, barTop: number, barBottom: number, gap = 8): number {
  return top < barBottom && bottom > barTop ? barBottom - top + gap : 0;
}

/** Focus is never hidden under a sticky bar (the risk checklist's running score; WCAG
 *  2.4.11): after focus moves by keyboard, the page scrolls until the focused element is
 *  clear of it. (A click focuses what the pointer is on, which is in view already: the page
 *  is not scrolled under the pointer.) */
export function keepFocusClear(selector = ".running-score") {
  let byKeyboard = false;
  document.addEventListener("keydown", (e) => {
    byKeyboard = e.key === "Tab" || e.key.startsWith("Arrow");
  }, true);
  document.addEventListener("pointerdown", () => {
    byKeyboard = false;
  }, true);
  document.addEventListener("focusin", (e) => {
    if (!byKeyboard) return;
    const target = e.target as HTMLElement | null;
    const fix = () => {
      const bar = document.querySelector(selector);
      if (!bar || !target || target !== document.activeElement || getComputedStyle(bar).position !== "sticky") return;
      const b = bar.getBoundingClientRect();
      const f = target.getBoundingClientRect();
      const by = uncover(f.top, f.bottom, b.top, b.bottom);
      if (by > 0 && !bar.contains(target)) window.scrollBy(0, -by);
    };
    // The browser brings the focused element into view after this event, at a moment of its
    // own: look again after the next frames (each look scrolls only if still needed).
    for (const wait of [0, 50, 150]) window.setTimeout(() => requestAnimationFrame(fix), wait);
  });
}
