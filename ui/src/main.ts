// Casekeep's page: start-up and wiring only. The screens are in ui/src/screens (one module
// per domain), drawn in the frame (frame.ts) and reached through the router (router.ts);
// the state that outlives a screen is in state.ts. The document title names the screen,
// never a record value (screen.ts); the window's title stays "Casekeep"; names are masked
// until asked for; locking clears everything the page showed.
import { listen } from "@tauri-apps/api/event";
import { whenLockedAnswer } from "./api";
import { flushDrafts } from "./drafts";
import { lockedAnswer, lockedByShell, lockNow, refresh, say } from "./frame";
import { startIdleWatch } from "./idle";
import { install } from "./router";
import { keepFocusClear } from "./screen";
import { routes as caseload } from "./screens/caseload";
import { routes as client } from "./screens/client";
import { routes as consent } from "./screens/consent";
import { routes as enquiries } from "./screens/enquiries";
import { routes as risk } from "./screens/risk";
import { routes as settings } from "./screens/settings";
import { routes as share } from "./screens/share";
import { routes as start } from "./screens/start";
import { state } from "./state";
import { installZoom } from "./zoom";

install({ ...start, ...caseload, ...client, ...risk, ...consent, ...share, ...enquiries, ...settings });

// Keys, clicks, scrolling, the wheel, pointer movement and touch all count as use (idle.ts).
startIdleWatch({ unlocked: () => !!state.status?.unlocked, lockNow: () => void lockNow("Locked."), warned: () => void flushDrafts() });

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey && e.shiftKey && (e.key === "L" || e.key === "l")) {
    e.preventDefault();
    void lockNow("Locked (quick exit).");
  }
});
installZoom(say);
keepFocusClear();

// The shell locks by itself (idle, sleep, screen lock, session switch: src-tauri/src/lockwatch)
// and sends `locked` with what to say; the page clears itself at once. Should the event be
// missed, the next command the page sends answers `locked` and clears it the same way.
void listen<string>("locked", (e) => void lockedByShell(typeof e.payload === "string" ? e.payload : "Locked.")).catch(() => undefined);
whenLockedAnswer(lockedAnswer);

try {
  if (localStorage.getItem("casekeep-theme") === "high-contrast") document.body.classList.add("high-contrast");
} catch {
  /* no storage */
}
void refresh();
