// The frame every screen is drawn in: the main area, the top bar and the banner; drawing a
// screen (`show`), a line in the banner (`say`), wiping the page, locking, and the status
// of the app as the shell gives it (`refresh`). Screens import this; it imports no screen
// (the start screens are reached through the router).
import { CmdError, isCmdError } from "./api";
import type { Nav } from "./decisions";
import { button, h } from "./dom";
import { flushDrafts } from "./drafts";
import { errorTitle } from "./errors";
import { forgetHelp, helpButton } from "./help";
import { closeIdleWarning } from "./idle";
import { todayIso } from "./logic";
import { enhancePassphrases } from "./passfield";
import { go } from "./router";
import { announceScreen } from "./screen";
import { state } from "./state";
import { noteExit } from "./working";
import * as commands from "./commands";

export const main = document.getElementById("main") as HTMLElement;
const topbar = document.getElementById("topbar") as HTMLElement;
const banner = document.getElementById("banner") as HTMLElement;

/** What the decisions module (ui/src/decisions.ts) needs from this frame of screens. */
export const nav: Nav = { show: (...n) => show(...n), message: (e) => message(e), client: (id) => void go({ to: "client", id }) };

export function message(e: unknown): string {
  return isCmdError(e) ? (e as CmdError).message : "Something went wrong. Nothing was half-saved.";
}

/** Draws a screen: no banner, error or "Error:" title of the last one outlives it; its
 *  nodes in `main`, passphrase fields enhanced, then the title and focus on its h1 (screen.ts). */
export function show(...nodes: Array<Node | null>) {
  state.screensDrawn++;
  forgetHelp();
  banner.replaceChildren();
  errorTitle(false);
  delete main.dataset.client;
  main.replaceChildren(...nodes.filter((n): n is Node => n !== null));
  enhancePassphrases(main);
  window.scrollTo(0, 0);
  announceScreen(main);
}

export function say(text: string) {
  banner.replaceChildren(text ? h("p", {}, text) : "");
}

/** Clears every trace of record data from the page. */
export function wipe() {
  noteExit();
  forgetHelp();
  main.replaceChildren();
  delete main.dataset.client;
  topbar.replaceChildren();
  banner.replaceChildren();
  document.body.classList.remove("demo");
  closeIdleWarning();
  state.namesShown = false;
  state.detailsFor = null;
}

export async function lockNow(reason: string) {
  wipe();
  // Locked as far as the page goes: a command answering `locked` from now on is this lock.
  if (state.status) state.status = { ...state.status, unlocked: false };
  // A change typed in the last moment is kept as a draft (at most 0.3 s; the page is
  // already empty).
  await flushDrafts();
  try {
    await commands.lock();
  } catch {
    /* already locked */
  }
  await refresh();
  say(reason);
}

export function renderTopbar() {
  const items: Node[] = [h("span", { class: "brand" }, "Casekeep"), helpButton()];
  if (state.status?.demo) items.push(h("strong", { class: "demo-tag" }, "DEMO — synthetic people only"));
  if (state.status?.unlocked) {
    items.push(
      h(
        "nav",
        { "aria-label": "Main" },
        button("Today", () => { say(""); void go({ to: "today" }); }, "secondary"),
        button("Caseload", () => { say(""); void go({ to: "caseload" }); }, "secondary"),
        button("Record an enquiry", () => { say(""); void go({ to: "enquiry" }); }, "secondary", { id: "record-enquiry" }),
        button("Enquiries", () => { say(""); void go({ to: "enquiries", client: null }); }, "secondary"),
        button("Decision log", () => { say(""); void go({ to: "log" }); }, "secondary"),
        button("Settings", () => { say(""); void go({ to: "settings" }); }, "secondary"),
      ),
      h("span", { class: "who" }, `${state.status.user} (${state.status.role})`),
      button("Lock", () => void lockNow("Locked."), "warning", { title: "Lock now (Ctrl+Shift+L)" }),
    );
  }
  topbar.replaceChildren(...items);
  document.body.classList.toggle("demo", !!state.status?.demo);
}

export async function refresh() {
  state.status = await commands.app_status();
  renderTopbar();
  if (!state.status.unlocked) {
    if (state.status.vault_exists) void go({ to: "unlock", demo: false });
    else void go({ to: "start" });
  }
}

/** A file chosen in the shell's own dialog: the page gets a one-use token and the name to
 *  show, never the path (and cannot send one). */
export interface ChosenFile {
  token: string;
  name: string;
}

export function riskTag(level: string | null | undefined): HTMLElement {
  return h("span", { class: `tag risk-${level ?? "none"}` }, level ? level.toUpperCase() : "NOT ASSESSED");
}

// Long lists are drawn a page at a time: 10,000 rows in the page cost WebKit hundreds of
// MiB and seconds of layout (docs/BENCHMARKS.md). Search finds anyone further down.
export const PAGE = 200;

export function paged<T>(items: T[], row: (t: T) => HTMLElement, what: string): [HTMLElement, HTMLElement | null] {
  let shown = Math.min(PAGE, items.length);
  const body = h("tbody", {}, ...items.slice(0, shown).map(row));
  if (shown >= items.length) return [body, null];
  const label = () => `Show ${Math.min(PAGE, items.length - shown)} more ${what} (${items.length - shown} not shown)`;
  const more = button(label(), () => {
    const next = items.slice(shown, shown + PAGE);
    body.append(...next.map(row));
    shown += next.length;
    if (shown >= items.length) more.remove();
    else more.textContent = label();
  }, "secondary");
  return [body, more];
}

/** Where a file goes: the one-use token of the file chosen in the shell's save dialog,
 *  null for the fixed exports folder, undefined when the person closed the dialog. */
export async function chooseOut(name: string, ext: string): Promise<string | null | undefined> {
  if (state.status?.fixed_export_dir) return null;
  const picked = await commands.choose_save_file({ name: `casekeep-${name}-${todayIso()}.${ext}`, ext });
  return picked ? picked.token : undefined;
}

/** The shell locked by itself (idle, sleep, screen lock, session switch: its `locked` event,
 *  src-tauri/src/lockwatch, with what to say): the page clears itself at once, remembers the
 *  record that was open (its number and the user only) and shows the unlock screen. */
export async function lockedByShell(reason: string) {
  if (state.status?.unlocked) {
    const open = main.dataset.client ? Number(main.dataset.client) : null;
    state.lastPlace = open && state.status.user ? { user: state.status.user, client: open } : null;
    // Locked as far as the page goes from now: a command answering `locked` is this lock.
    state.status = { ...state.status, unlocked: false };
    wipe();
    try {
      state.status = await commands.app_status();
    } catch {
      state.status = null;
    }
    renderTopbar();
    await go({ to: "unlock", demo: false });
  }
  say(reason);
}

/** How long a `locked` answer waits for the shell's event, which says why it locked. */
const EVENT_GRACE_MS = 500;

/** A command answered `locked` while the page thought it was unlocked: the shell locked by
 *  itself. Its `locked` event comes right after the lock and says why; should it not come,
 *  the page clears itself all the same, as the event would have. */
export function lockedAnswer() {
  if (!state.status?.unlocked) return;
  window.setTimeout(() => {
    if (state.status?.unlocked) void lockedByShell("Locked.");
  }, EVENT_GRACE_MS);
}
