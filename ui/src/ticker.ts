// The clock the "safe now" badges move with. A badge worked out at 10:59:30 must say "Safe now"
// at 11:00, not up to a minute later, and a worker coming back to the window after an hour
// elsewhere must not read an hour-old badge. So `everyMinute` calls its function as each
// minute of the laptop's clock begins, and at once whenever the window is focused or shown
// again. Unit-tested in ticker.test.ts.

export interface TickerEnv {
  /** Milliseconds since the epoch (minute boundaries are the same in every time zone). */
  now: () => number;
  /** Receives "focus" (the window focused again). */
  win: EventTarget;
  /** Receives "visibilitychange"; `visibilityState` says whether it is now shown. */
  doc: EventTarget & { visibilityState?: string };
}

const MINUTE = 60_000;
/** A little after the minute turns, so the core's clock has turned too. */
const SETTLE = 50;

/** Calls `tick` at the start of each minute and when the window comes back; stops for good
 *  when `tick` returns false (its screen is gone) or when the returned function is called.
 *  Calls never overlap: one that comes while another runs is dropped. */
export function everyMinute(tick: () => boolean | Promise<boolean>, env: TickerEnv = browserEnv()): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;
  const run = async () => {
    if (stopped || running) return;
    running = true;
    try {
      if ((await tick()) === false) stop();
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      void run().then(() => {
        if (!stopped) schedule();
      });
    }, MINUTE - (env.now() % MINUTE) + SETTLE);
  };
  const onFocus = () => void run();
  const onShown = () => {
    if (env.doc.visibilityState !== "hidden") void run();
  };
  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    env.win.removeEventListener("focus", onFocus);
    env.doc.removeEventListener("visibilitychange", onShown);
  };
  env.win.addEventListener("focus", onFocus);
  env.doc.addEventListener("visibilitychange", onShown);
  schedule();
  return stop;
}

function browserEnv(): TickerEnv {
  return { now: () => Date.now(), win: window, doc: document };
}
