import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { everyMinute, type TickerEnv } from "./ticker";

function env(): TickerEnv & { doc: EventTarget & { visibilityState: string } } {
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" });
  return { now: () => Date.now(), win: new EventTarget(), doc };
}

describe("everyMinute", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2027-03-01T10:59:30Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("ticks as each minute begins, not a minute after it was started", async () => {
    const at: string[] = [];
    everyMinute(() => {
      at.push(new Date().toISOString().slice(11, 19));
      return true;
    }, env());
    await vi.advanceTimersByTimeAsync(29_000);
    expect(at).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(at).toEqual(["11:00:00"]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(at).toEqual(["11:00:00", "11:01:00", "11:02:00"]);
  });

  it("ticks at once when the window is focused or shown again, not when hidden", async () => {
    const e = env();
    const tick = vi.fn(() => true);
    everyMinute(tick, e);
    e.win.dispatchEvent(new Event("focus"));
    await vi.advanceTimersByTimeAsync(0);
    expect(tick).toHaveBeenCalledTimes(1);
    e.doc.visibilityState = "hidden";
    e.doc.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    expect(tick).toHaveBeenCalledTimes(1);
    e.doc.visibilityState = "visible";
    e.doc.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    expect(tick).toHaveBeenCalledTimes(2);
  });

  it("stops for good when the tick says its screen is gone, or when stopped", async () => {
    const e = env();
    let calls = 0;
    everyMinute(() => ++calls < 2, e);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    e.win.dispatchEvent(new Event("focus"));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);

    const tick = vi.fn(() => true);
    const stop = everyMinute(tick, e);
    stop();
    e.win.dispatchEvent(new Event("focus"));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(tick).not.toHaveBeenCalled();
  });

  it("never runs two ticks at once", async () => {
    const e = env();
    let running = 0;
    let most = 0;
    everyMinute(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1_000));
      running -= 1;
      return true;
    }, e);
    e.win.dispatchEvent(new Event("focus"));
    e.win.dispatchEvent(new Event("focus"));
    await vi.advanceTimersByTimeAsync(40_000);
    expect(most).toBe(1);
  });
});
