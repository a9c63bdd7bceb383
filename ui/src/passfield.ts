// Every passphrase field gets a show/hide button and a Caps Lock warning (issue 17 item 11).
// `enhancePassphrases` runs after each screen is drawn (show() in frame.ts), so a screen
// needs no code of its own; it is idempotent (a field is enhanced once, even when a form
// page is drawn again by "Change" on its check-your-answers page).
import { h, nextId } from "./dom";

/** What the toggle shows for a field that is (`shown`) or is not in plain text. */
export function toggleState(shown: boolean): { type: "text" | "password"; label: string; pressed: "true" | "false" } {
  return shown
    ? { type: "text", label: "Hide passphrase", pressed: "true" }
    : { type: "password", label: "Show passphrase", pressed: "false" };
}

export const CAPS_LOCK_WARNING = "Caps Lock is on.";

/** The warning for a key event's Caps Lock state ("" when off). */
export function capsText(capsOn: boolean): string {
  return capsOn ? CAPS_LOCK_WARNING : "";
}

function enhance(input: HTMLInputElement) {
  input.dataset.passphrase = "1";
  if (!input.id) input.id = nextId("p");
  const toggle = h("button", { type: "button", class: "button secondary pass-toggle", "aria-controls": input.id }) as HTMLButtonElement;
  const draw = (shown: boolean) => {
    const s = toggleState(shown);
    input.type = s.type;
    toggle.textContent = s.label;
    toggle.setAttribute("aria-pressed", s.pressed);
  };
  draw(false);
  toggle.addEventListener("click", () => draw(input.type === "password"));
  const warnId = `${input.id}-caps`;
  const warning = h("p", { class: "caps-warning", id: warnId, "aria-live": "polite" });
  const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== warnId);
  input.setAttribute("aria-describedby", [...described, warnId].join(" "));
  const check = (e: Event) => {
    const k = e as KeyboardEvent;
    if (typeof k.getModifierState !== "function") return;
    const text = capsText(k.getModifierState("CapsLock"));
    if (warning.textContent !== text) warning.textContent = text;
  };
  input.addEventListener("keydown", check);
  input.addEventListener("keyup", check);
  input.addEventListener("blur", () => {
    warning.textContent = "";
  });
  const wrap = h("span", { class: "pass-wrap" });
  input.replaceWith(wrap);
  wrap.append(input, toggle);
  wrap.after(warning);
}

/** Adds the toggle and the warning to each passphrase field under `root` not yet enhanced. */
export function enhancePassphrases(root: ParentNode) {
  for (const el of Array.from(root.querySelectorAll("input[type=password]"))) {
    const input = el as HTMLInputElement;
    if (input.dataset.passphrase !== "1") enhance(input);
  }
}
