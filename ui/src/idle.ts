// The idle lock, done kindly (issue 17 item 4): reading counts as use, and a warning comes
// first. The shell keeps the time and locks (src-tauri/src/state.rs); this page reports
// activity (at most every few seconds) and shows the shell's warning. It is never the only
// clock: if this page stopped, the shell would still lock on time.
import { listen } from "@tauri-apps/api/event";
import { button, h } from "./dom";
import * as commands from "./commands";

/** At most one activity report to the shell this often. */
export const ACTIVITY_EVERY_MS = 3000;

/** Whether an activity report is due, `now` ms after the last one at `last`. */
export function reportDue(last: number, now: number, every = ACTIVITY_EVERY_MS): boolean {
  return now - last >= every;
}

/** The countdown in words ("1 minute", "45 seconds"). */
export function countdownText(left: number): string {
  if (left <= 0) return "now";
  if (left === 60) return "in 1 minute";
  return `in ${left} second${left === 1 ? "" : "s"}`;
}

/** Whether a screen reader hears the countdown at `left` seconds: when the warning opens
 *  (`first`), then at 30, 20 and 10 seconds, not every second. */
export function announced(left: number, first: number): boolean {
  return left === first || (left < first && (left === 30 || left === 20 || left === 10));
}

/** What the page gives this module: whether it is unlocked, and how to lock at once. */
export interface IdleHooks {
  unlocked: () => boolean;
  lockNow: () => void;
  /** Called when the warning opens: the page saves any half-finished form at once. */
  warned?: () => void;
}

let lastReport = 0;
let dialog: HTMLDialogElement | null = null;
let ticker: number | null = null;
let returnFocus: HTMLElement | null = null;
let hooks: IdleHooks | null = null;

function report(force = false) {
  if (!hooks?.unlocked() || (dialog && !force)) return;
  const now = Date.now();
  if (force || reportDue(lastReport, now)) {
    lastReport = now;
    void commands.touch().catch(() => undefined);
  }
}

/** Takes the warning down (activity, "Stay unlocked", or a lock). */
export function closeIdleWarning() {
  if (ticker !== null) window.clearInterval(ticker);
  ticker = null;
  const d = dialog;
  dialog = null;
  if (d) {
    if (d.open) d.close();
    d.remove();
    if (returnFocus?.isConnected) returnFocus.focus({ preventScroll: true });
  }
  returnFocus = null;
}

function stay() {
  closeIdleWarning();
  report(true);
}

/** The GOV.UK timeout warning: a modal alert dialog, focus on "Stay unlocked". */
function showWarning(seconds: number) {
  if (!hooks?.unlocked()) return;
  closeIdleWarning();
  hooks.warned?.();
  const first = Math.max(1, Math.round(seconds));
  let left = first;
  const count = h("strong", { id: "idle-count" }, countdownText(left));
  const live = h("p", { class: "visually-hidden", "aria-live": "assertive", id: "idle-live" });
  const stayButton = button("Stay unlocked", stay, "primary", { id: "idle-stay" });
  const d = h(
    "dialog",
    { class: "idle-warning", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "idle-title", "aria-describedby": "idle-text" },
    h("h2", { id: "idle-title" }, "Casekeep is about to lock"),
    h("p", { id: "idle-text", "aria-hidden": "true" }, "You have not used Casekeep for a while. It will lock ", count, " to keep the records safe."),
    h("p", { class: "hint" }, "A form you were part-way through is kept, encrypted, and offered back when you unlock."),
    live,
    h("div", { class: "button-group" }, stayButton, button("Lock now", () => { closeIdleWarning(); hooks?.lockNow(); }, "warning", { id: "idle-lock" })),
  ) as HTMLDialogElement;
  // Escape is "Stay unlocked", as GOV.UK's pattern has it.
  d.addEventListener("cancel", (e) => {
    e.preventDefault();
    stay();
  });
  returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(d);
  dialog = d;
  if (typeof d.showModal === "function") d.showModal();
  else d.setAttribute("open", "");
  stayButton.focus();
  const say = () => {
    if (announced(left, first)) live.textContent = `Casekeep will lock ${countdownText(left)}.`;
  };
  say();
  ticker = window.setInterval(() => {
    left = Math.max(0, left - 1);
    count.textContent = countdownText(left);
    say();
  }, 1000);
}

/** Starts reporting activity and listening for the shell's warning. */
export function startIdleWatch(h0: IdleHooks) {
  hooks = h0;
  const opts = { capture: true, passive: true };
  for (const ev of ["keydown", "pointerdown", "pointermove", "wheel", "scroll", "touchstart", "touchmove"]) {
    document.addEventListener(ev, () => report(), opts);
  }
  void listen<number>("idle-warning", (e) => showWarning(typeof e.payload === "number" ? e.payload : 60)).catch(() => undefined);
  void listen("idle-warning-over", () => closeIdleWarning()).catch(() => undefined);
}
