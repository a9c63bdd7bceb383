// Zoom and text size (issue 17 item 10, WCAG 1.4.4): Ctrl+plus, Ctrl+minus and Ctrl+0, and
// the "Text size" setting, both set the webview's own zoom (Tauri's Webview::set_zoom,
// WebKitGTK's zoom level): the whole page scales as a browser's zoom does, text, spacing and
// controls together, and the layout reflows at the narrower width in CSS pixels. A CSS
// root font size would scale text only, leaving pixel spacing and the window's room for it
// unchanged. The level is this person's display preference on this computer, kept in the
// webview's local storage beside the theme: no record data, and it applies on the unlock
// screen before any vault is open.
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { radios } from "./dom";

/** The zoom steps, as a browser offers them. */
export const ZOOM_LEVELS = [0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4] as const;
export const ZOOM_KEY = "casekeep-zoom";

/** A stored level read back: one of ZOOM_LEVELS, else 1 (never a surprise size). */
export function parseZoom(stored: string | null | undefined): number {
  const n = Number(stored);
  return (ZOOM_LEVELS as readonly number[]).includes(n) ? n : 1;
}

/** The next level up (`+1`) or down (`-1`) from `current`, staying within the steps. */
export function stepZoom(current: number, dir: 1 | -1): number {
  const levels = ZOOM_LEVELS as readonly number[];
  if (dir > 0) return levels.find((l) => l > current + 1e-9) ?? levels[levels.length - 1];
  return [...levels].reverse().find((l) => l < current - 1e-9) ?? levels[0];
}

/** What a key press asks of the zoom: Ctrl with = or + (main keyboard or keypad) zooms in,
 *  Ctrl with - zooms out, Ctrl+0 resets; anything else (or with Alt) is not ours. */
export function zoomKey(e: { ctrlKey: boolean; metaKey?: boolean; altKey?: boolean; key: string; code?: string }): "in" | "out" | "reset" | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  if (e.key === "+" || e.key === "=" || e.code === "NumpadAdd") return "in";
  if (e.key === "-" || e.key === "_" || e.code === "NumpadSubtract") return "out";
  if (e.key === "0" || e.code === "Numpad0") return "reset";
  return null;
}

/** "150 %" */
export function zoomLabel(level: number): string {
  return `${Math.round(level * 100)} %`;
}

let current = 1;

export function currentZoom(): number {
  return current;
}

/** Sets and keeps the zoom level; a webview that refuses leaves the level as it was. */
export async function setZoom(level: number): Promise<boolean> {
  const next = parseZoom(String(level));
  try {
    await getCurrentWebview().setZoom(next);
  } catch {
    return false;
  }
  current = next;
  try {
    localStorage.setItem(ZOOM_KEY, String(next));
  } catch {
    /* no storage: the level lasts until the app closes */
  }
  return true;
}

/** At start: the stored level, and the keys. `announce` says the new level (a live region). */
export function installZoom(announce: (text: string) => void) {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(ZOOM_KEY);
  } catch {
    /* no storage */
  }
  const level = parseZoom(stored);
  if (level !== 1) void setZoom(level);
  document.addEventListener("keydown", (e) => {
    const act = zoomKey(e);
    if (!act) return;
    e.preventDefault();
    const next = act === "reset" ? 1 : stepZoom(current, act === "in" ? 1 : -1);
    void setZoom(next).then((ok) => {
      if (ok) announce(`Text size ${zoomLabel(next)}`);
    });
  });
}

/** The Settings screen's "Text size" choice (the same level as the keys set). */
export function textSizeSetting(): HTMLElement {
  const levels = ZOOM_LEVELS.map((l): [string, string] => [String(l), l === 1 ? "100 % (standard)" : zoomLabel(l)]);
  const choice = radios("Text size", "text-size", levels, String(current), {
    id: "text-size",
    inline: true,
    hint: "Makes everything on the screen larger or smaller. Ctrl+plus, Ctrl+minus and Ctrl+0 (back to 100 %) do the same on any screen. Kept on this computer for you.",
  });
  choice.el.addEventListener("change", () => {
    void setZoom(Number(choice.value()));
  });
  return choice.el;
}
