// Slow commands (an unlock behind the failed-attempt delay, a restore, a backup) show that
// they are working (issue 17 item 11): the button is disabled and says what is happening,
// and a live region says it once. The shell runs every command off the window's thread
// (src-tauri/src/main.rs), so the page keeps drawing and quick exit keeps working.
import { h } from "./dom";

/** Counts quick exits (and every other lock the page makes). A slow call that started
 *  before one must not carry on as if nothing happened: see `overtaken`. */
let exits = 0;

export function noteExit() {
  exits += 1;
}

/** A marker to take before a slow call; `overtaken(marker)` afterwards says whether the
 *  app was locked (quick exit) while the call was running. */
export function exitMarker(): number {
  return exits;
}

export function overtaken(marker: number): boolean {
  return marker !== exits;
}

/** Marks `button` as working ("Unlocking…"), disabled, with `status` (a live region) saying
 *  so; returns the function that puts the button back. */
export function working(button: HTMLButtonElement, label: string, status?: HTMLElement): () => void {
  const before = button.textContent ?? "";
  button.disabled = true;
  button.setAttribute("aria-disabled", "true");
  button.textContent = label;
  status?.replaceChildren(h("span", {}, label));
  return () => {
    button.disabled = false;
    button.removeAttribute("aria-disabled");
    button.textContent = before;
    status?.replaceChildren();
  };
}

/** A polite live region for `working` to speak through. */
export function workingStatus(id: string): HTMLElement {
  return h("p", { class: "working", role: "status", id });
}
