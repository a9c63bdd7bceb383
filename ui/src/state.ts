// The page's state: the few values that outlive a screen, each with the module that owns
// (writes) it. Everything else lives in the screen that drew it and goes with it.
import type { Status } from "./api";

export const state = {
  /** The shell's answer to `app_status` (unlocked, user, role, demo, idle time…).
   *  Owner: frame.ts (`refresh`, `lockedByShell`); read everywhere. */
  status: null as Status | null,
  /** The caseload's names (hidden after every unlock). Shown names are fetched from the
   *  core, which records each such read. Owner: screens/caseload.ts (the toggle) and
   *  screens/client.ts ("Hide details"); frame.ts `wipe()` hides them again. */
  namesShown: false,
  /** The client whose details were asked for during this visit to their record.
   *  Owner: screens/client.ts; frame.ts `wipe()` and the caseload screens forget it. */
  detailsFor: null as number | null,
  /** How many screens `show()` has drawn: a screen whose data arrives after another screen
   *  was drawn is not drawn over it. Owner: frame.ts `show()`. */
  screensDrawn: 0,
  /** The record open when the shell locked by itself (idle, sleep): its internal number and
   *  the user, never a record value; the same user is taken back to it after unlocking.
   *  Owner: frame.ts `lockedByShell` (sets), screens/start.ts `afterUnlock` (takes). */
  lastPlace: null as { user: string; client: number } | null,
};
