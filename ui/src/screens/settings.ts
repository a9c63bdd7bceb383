// Settings: locking, display, passphrase, backup, agency details, the vault's risk and MARAC
// settings, users, the recovery key, retention; and the decision log's route.
import type { MaracChecklist } from "../bindings/MaracChecklist";
import type { Role } from "../bindings/Role";
import { VaultSettings } from "../api";
import { agencySection, decisionsScreen } from "../decisions";
import { button, errorSummary, field, h, radios } from "../dom";
import { chooseOut, message, nav, refresh, say, show } from "../frame";
import { go, type Routes } from "../router";
import { vocabulary } from "../logic";
import { state } from "../state";
import { working } from "../working";
import { textSizeSetting } from "../zoom";
import * as commands from "../commands";

async function settings() {
  // The vault's idle time (a manager's signed setting) is the longest anyone may choose.
  const vaultIdle = (await commands.risk_form().catch(() => null))?.settings.lock.idle_minutes ?? 5;
  const idle = radios("Lock after this long without use", "idle-minutes", idleChoices(vaultIdle), String(state.status?.idle_minutes ?? vaultIdle), { id: "idle-minutes", inline: true });
  const newPass = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
  const passBusy = h("div", { "aria-live": "polite" });
  const errors = h("div", {});
  const parts: Node[] = [
    h("h1", {}, "Settings"),
    errors,
    h("h2", {}, "Locking"),
    idle.el,
    button("Save", async () => {
      try {
        // Nothing is chosen when the session's time is not one of the choices.
        if (idle.value() === "") return errors.replaceChildren(errorSummary("Choose how long Casekeep waits without use before it locks."));
        await commands.set_idle_minutes({ minutes: Number(idle.value()) });
        await refresh();
        say("Saved.");
      } catch (e) {
        errors.replaceChildren(errorSummary(message(e)));
      }
    }, "secondary"),
    h("p", { class: "hint" }, `For this session; this vault allows up to ${vaultIdle} minute${vaultIdle === 1 ? "" : "s"}. A warning comes first, and scrolling or moving the pointer counts as use. Ctrl+Shift+L locks at once and clears the screen.`),
    ...(state.status?.role === "manager" ? vaultIdleSetting(vaultIdle, errors) : []),
    h("h2", {}, "Display"),
    button(document.body.classList.contains("high-contrast") ? "Use the standard theme" : "Use the high-contrast theme", () => {
      const on = document.body.classList.toggle("high-contrast");
      try {
        localStorage.setItem("casekeep-theme", on ? "high-contrast" : "standard");
      } catch {
        /* no storage */
      }
      void go({ to: "settings" });
    }, "secondary", { id: "theme-toggle" }),
    textSizeSetting(),
    h("h2", {}, "Your passphrase"),
    field("New passphrase", newPass, "At least 12 characters. Changing it also gives you new keys and re-encrypts the vault, so your old passphrase opens nothing written from now on."),
    passBusy,
    button("Change passphrase", async () => {
      passBusy.replaceChildren(rotating("Changing your passphrase"));
      try {
        await commands.change_passphrase({ passphrase: newPass.value });
        newPass.value = "";
        passBusy.replaceChildren();
        say("Passphrase changed. Backups made before now still open with your old passphrase.");
      } catch (e) {
        newPass.value = "";
        passBusy.replaceChildren();
        errors.replaceChildren(errorSummary(message(e)));
      }
    }, "secondary"),
  ];
  parts.push(...backupSection(errors));
  parts.push(...(await agencySection(nav, state.status?.role === "manager", say)));
  const form = await commands.risk_form().catch(() => null);
  if (form) {
    const st: VaultSettings = form.settings;
    const num = (v: number) => h("input", { type: "number", inputmode: "numeric", value: String(v) }) as HTMLInputElement;
    const inputs = {
      marac_score: num(st.risk.marac_score),
      escalation_incidents: num(st.risk.escalation_incidents),
      medium_from: num(st.risk.medium_from),
      high_from: num(st.risk.high_from),
      reconfirm_after_days: num(st.queue.reconfirm_after_days),
      meeting_within_days: num(st.queue.meeting_within_days),
      action_within_days: num(st.queue.action_within_days),
    };
    const manager = state.status?.role === "manager";
    if (!manager) Object.values(inputs).forEach((i) => (i.readOnly = true));
    // The vault's setting as it stands is chosen (a manager's setting; others see it greyed).
    const checklist = radios("What a MARAC referral carries of the risk checklist", "marac-checklist", vocabulary<MaracChecklist>({ none: "The score, level and criteria only", indicators: "Also name the indicators answered yes", full: "Also name the indicators and attach all 24 answers" }), st.marac?.checklist ?? "indicators", {
      id: "marac-checklist",
      disabled: !manager,
      hint: "Local MARACs differ: some ask for the indicators answered yes, some for the whole checklist.",
    });
    parts.push(
      h("h2", {}, "Risk and MARAC (this vault)"),
      field("Refer to MARAC at this many yes answers", inputs.marac_score, "Visible high risk. Local MARACs differ; the usual threshold is 14."),
      field("Potential escalation: police-reported incidents in 12 months", inputs.escalation_incidents),
      field("Medium risk from this score", inputs.medium_from),
      field("High risk from this score", inputs.high_from),
      field("Re-confirm a safe-contact arrangement after this many days", inputs.reconfirm_after_days),
      field("Show MARAC meetings this many days ahead", inputs.meeting_within_days),
      field("Show MARAC actions due within this many days", inputs.action_within_days),
      checklist.el,
      manager
        ? button("Save the risk and MARAC settings", async () => {
            const n = (i: HTMLInputElement) => (i.value.trim() === "" ? -1 : Number(i.value));
            try {
              await commands.set_vault_settings({
                patch: {
                  risk: { marac_score: n(inputs.marac_score), escalation_incidents: n(inputs.escalation_incidents), medium_from: n(inputs.medium_from), high_from: n(inputs.high_from) },
                  queue: { reconfirm_after_days: n(inputs.reconfirm_after_days), meeting_within_days: n(inputs.meeting_within_days), action_within_days: n(inputs.action_within_days) },
                  marac: { checklist: checklist.value() },
                },
              });
              say("Risk and MARAC settings saved.");
            } catch (e) {
              errors.replaceChildren(errorSummary(message(e)));
            }
          }, "secondary")
        : h("p", { class: "hint" }, "Only a manager can change these."),
    );
  }
  if (state.status?.role === "manager") {
    const users = await commands.list_users().catch(() => []);
    const uname = h("input", { type: "text", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
    const upass = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
    const role = radios("Role", "role", vocabulary<Role>({ caseworker: "Caseworker", manager: "Manager" }), "caseworker");
    const removal = h("div", { id: "remove-user", "aria-live": "polite" });
    parts.push(
      h("h2", {}, "Users"),
      h("ul", { class: "list", id: "user-list" }, ...users.map((u) => h("li", {}, `${u.name} (${u.role}) `,
        u.name === state.status?.user ? h("span", { class: "hint" }, "(you)") : button(`Remove ${u.name}`, () => confirmRemoval(u.name, removal, errors), "secondary")))),
      removal,
      field("New user's name", uname),
      field("Their first passphrase", upass, "They should change it when they first unlock."),
      role.el,
      button("Add user", async () => {
        try {
          await commands.add_user({ name: uname.value, role: role.value() === "manager" ? "manager" : "caseworker", passphrase: upass.value });
          upass.value = "";
          await go({ to: "settings" });
          say("User added.");
        } catch (e) {
          upass.value = "";
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "secondary"),
      h("h2", {}, "Recovery key"),
      h("p", {}, "Replace the recovery key if the written-down key may have been seen, or when a manager who knew it leaves. The old key stops working at once."),
      (() => {
        const box = h("div", { id: "replace-recovery" });
        box.append(button("Replace the recovery key", () => {
          box.replaceChildren(
            h("p", { class: "warning-text", role: "alert" }, "The old key will stop working at once, and the new key is shown only once. Have pen and paper ready."),
            h("div", { class: "button-group" },
              button("Yes, replace it now", async () => {
                try {
                  const made = await commands.replace_recovery_key();
                  void go({ to: "recovery", key: made.recovery_key });
                } catch (e) {
                  errors.replaceChildren(errorSummary(message(e)));
                }
              }, "warning"),
              button("Keep the current key", () => void go({ to: "settings" }), "secondary")),
          );
        }, "warning"));
        return box;
      })(),
      ...purgeSection(errors),
    );
  }
  show(...parts);
}

/** Rotating the vault key re-encrypts every page: say so while it runs (the command runs off
 * the window's main thread, so this stays drawn). */
/** The idle times a worker may choose: up to the vault's. */
function idleChoices(most: number): Array<[string, string]> {
  const mins = [...new Set([1, 2, 5, 10, 15, 20, 30, 45, 60, most])].filter((m) => m <= most).sort((a, b) => a - b);
  return mins.map((m) => [String(m), `${m} minute${m === 1 ? "" : "s"}`]);
}

/** A manager sets the vault's idle time (a signed change of settings). */
function vaultIdleSetting(current: number, errors: HTMLElement): Node[] {
  const input = h("input", { type: "text", inputmode: "numeric", value: String(current), class: "input-short", spellcheck: "false" }) as HTMLInputElement;
  return [
    field("Lock after this many minutes without use, for everyone using this vault", input, "From 1 to 60 minutes; the default is 5. Each person may choose a shorter time for themselves."),
    button("Save for this vault", async () => {
      const v = input.value.trim();
      const n = /^\d{1,3}$/.test(v) ? Number(v) : NaN;
      if (!(n >= 1 && n <= 60)) {
        errors.replaceChildren(errorSummary("Enter the idle time as a whole number of minutes from 1 to 60, like 5."));
        return;
      }
      try {
        await commands.set_vault_settings({ patch: { lock: { idle_minutes: n } } });
        await refresh();
        // The screen first: showing a screen clears the banner (no banner outlives its screen).
        await go({ to: "settings" });
        say(`Saved: Casekeep locks after ${n} minute${n === 1 ? "" : "s"} without use.`);
      } catch (e) {
        errors.replaceChildren(errorSummary(message(e)));
      }
    }, "secondary", { id: "save-vault-idle" }),
  ];
}

function rotating(what: string): Node {
  return h("div", { class: "notice", role: "status", "aria-busy": "true", id: "rotating" },
    h("p", {}, `${what}: re-encrypting the vault under a new key. On a large vault this takes up to half a minute; keep Casekeep open.`),
    h("progress", { "aria-label": "Re-encrypting the vault" }));
}

function confirmRemoval(name: string, box: HTMLElement, errors: HTMLElement) {
  box.replaceChildren(
    h("p", { class: "warning-text", role: "alert" },
      `Remove ${name}? They will not be able to unlock this vault again: their key is removed and the vault is re-encrypted under a new key that only the remaining users can open. `,
      "Backups made before now still open with their old passphrase."),
    h("div", { class: "button-group" },
      button(`Yes, remove ${name}`, async () => {
        box.replaceChildren(rotating(`Removing ${name}`));
        // Nothing else is started while the vault is re-encrypted; every button comes back
        // when it is done, whatever the outcome.
        const paused = [...document.querySelectorAll("button")].filter((b) => !b.disabled);
        paused.forEach((b) => (b.disabled = true));
        const resume = () => paused.forEach((b) => (b.disabled = false));
        try {
          await commands.remove_user({ name });
          resume();
          await go({ to: "settings" });
          say(`${name} was removed.`);
          const after = document.getElementById("remove-user");
          const notice = h("p", { class: "notice", id: "removed-user", tabindex: "-1" },
            `${name} was removed and the vault key was replaced. Backups made before now still open with ${name}'s old passphrase: make a fresh backup now, then delete the old backup files.`);
          after?.replaceChildren(notice, button("Make a fresh backup now", () => document.getElementById("make-backup")?.click(), "secondary"));
          notice.scrollIntoView({ block: "center" });
          notice.focus();
        } catch (e) {
          resume();
          await go({ to: "settings" });
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "warning"),
      button("Keep them", () => box.replaceChildren(), "secondary")),
  );
}

function backupSection(errors: HTMLElement): Node[] {
  const result = h("div", { "aria-live": "polite" });
  return [
    h("h2", {}, "Backup"),
    h("p", {}, "A backup is one encrypted file that the same passphrases and the recovery key open. Keep it somewhere as safe as this laptop."),
    button("Make a backup", async (ev?: Event) => {
      const done = working(ev?.currentTarget as HTMLButtonElement, "Making the backup…");
      try {
        const out = await chooseOut("backup", "ckbackup");
        if (out === undefined) return;
        result.replaceChildren(h("p", {}, "Making the backup…"));
        const r = await commands.backup_vault({ out });
        result.replaceChildren(h("p", { class: "notice" }, "Backup saved and verified: ", h("span", { id: "backup-file" }, r.file), ` (${r.log_entries} signed log entries; SHA-256 ${r.sha256.slice(0, 16)}…).`));
      } catch (e) {
        result.replaceChildren();
        errors.replaceChildren(errorSummary(message(e)));
      } finally {
        done();
      }
    }, "secondary", { id: "make-backup" }),
    result,
  ];
}

function purgeSection(errors: HTMLElement): Node[] {
  const reason = h("input", { type: "text", autocomplete: "off" }) as HTMLInputElement;
  const result = h("div", { id: "purge-result", "aria-live": "polite" });
  const run = async (dryRun: boolean) => {
    try {
      const r = await commands.purge({ reason: reason.value, dryRun });
      const ids = (xs: number[]) => (xs.length ? xs.join(", ") : "none");
      result.replaceChildren(h("p", { class: "notice" }, dryRun ? `Due for purging: clients ${ids(r.purged)}. Past retention but under legal hold: ${ids(r.held)}. Nothing was deleted.` : `Purged: clients ${ids(r.purged)} (a signed tombstone for each is in the log). Kept under legal hold: ${ids(r.held)}.`));
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  return [
    h("h2", {}, "Retention"),
    h("p", {}, "Closed cases are kept for the vault's retention period, then purged here. A case under legal hold is never purged."),
    field("Reason for the purge", reason, "Recorded in each tombstone. At least 10 characters."),
    h("div", { class: "button-group" }, button("List what is due", () => void run(true), "secondary"), button("Purge what is due", () => void run(false), "warning")),
    result,
  ];
}

export const routes: Routes<"settings" | "log"> = {
  settings: () => settings(),
  // The decision log and the sharing history: ui/src/decisions.ts.
  log: () => decisionsScreen(nav),
};
