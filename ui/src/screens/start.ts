// The start and unlock screens: first run, create a vault and its recovery key, unlock (the
// real or the demo vault), reset a passphrase with the recovery key, restore a backup; and,
// after an unlock, the record open at a lock and the unfinished forms (drafts) offered.
import { ClientView, ConsentReport } from "../api";
import { button, checkbox, errorSummary, field, h } from "../dom";
import { Draft, DRAFT_FORMS, draftNotice, myDrafts } from "../drafts";
import { draftContext, takeRestored } from "../formdraft";
import { problems, showProblems } from "../forms";
import { ChosenFile, main, message, refresh, say, show } from "../frame";
import { passphraseStrength } from "../logic";
import { go, type Routes } from "../router";
import { state } from "../state";
import { exitMarker, overtaken, working, workingStatus } from "../working";
import { withDetails } from "./client";
import * as commands from "../commands";

/** After an unlock: the record this user was reading when the app locked by itself, else
 *  the caseload; their unfinished forms (drafts) offered at the top, focused. */
async function afterUnlock() {
  const place = state.lastPlace;
  state.lastPlace = null;
  if (place && place.user === state.status?.user) await go({ to: "client", id: place.client });
  else await go({ to: "today" });
  const offer = await myDrafts();
  if (offer.drafts.length || offer.untrusted) {
    const notice = draftNotice(offer, (d) => void openDraft(d));
    main.prepend(notice);
    notice.querySelector<HTMLElement>("h2")?.focus();
  }
}

/** Opens the form a draft was kept for, its answers put back (never past a check step). */
async function openDraft(d: Draft) {
  const id = d.client_id;
  takeRestored();
  if (d.kind === "enquiry") await go({ to: "enquiry", restore: d.body });
  else if (id === null) return;
  else if (d.kind === "risk_checklist" || d.kind === "note") {
    const rec = { id, case_reference: d.case_reference ?? "", initials: d.initials ?? "" };
    if (d.kind === "risk_checklist") await go({ to: "risk", rec, restore: d.body });
    else void go({ to: "note", rec, restore: d.body });
  } else {
    let rec: ClientView;
    let consents: ConsentReport;
    try {
      rec = await commands.show_client({ id, names: state.namesShown || state.detailsFor === id });
      consents = await commands.consent_report({ client: id });
    } catch (e) {
      return show(errorSummary(message(e)));
    }
    const referral = draftContext(d.body).referral;
    if (d.kind === "consent") void go({ to: "consent", rec, purposes: consents.purposes, restore: d.body });
    else if (d.kind === "decline") void go({ to: "decline", rec, purposes: consents.purposes, restore: d.body });
    else if (d.kind === "share") await withDetails(rec, (full) => go({ to: "share", rec: full, purposes: consents.purposes, restore: d.body }));
    else if (d.kind === "marac") await withDetails(rec, (full) => go({ to: "marac", rec: full, referral: typeof referral === "number" ? referral : null, restore: d.body }));
    else await withDetails(rec, (full) => go({ to: "edit", rec: full, restore: d.body }));
  }
  const what = DRAFT_FORMS[d.kind].toLowerCase();
  say(takeRestored() === false
    ? `Your unfinished ${what} could not be put back: the form has changed since.`
    : `Your unfinished ${what} is back as you left it. Check it before you save.`);
}

function start() {
  show(
    h("h1", {}, "Welcome to Casekeep"),
    h("p", {}, "Casekeep keeps your caseload encrypted on this laptop. Nothing leaves unless you share it."),
    h(
      "div",
      { class: "button-group" },
      button("Create a vault", () => void go({ to: "create" })),
      button("Open the demo vault", () => void go({ to: "demo" }), "secondary"),
      button("Restore from a backup", () => void go({ to: "restore" }), "secondary"),
    ),
    h("p", { class: "hint" }, "The demo vault is separate, holds synthetic people only, and never mixes with your real vault."),
  );
}

function restoreScreen() {
  const busy = workingStatus("restore-working");
  let chosen: ChosenFile | null = null;
  const file = h("p", { id: "restore-file" }, "No file chosen yet.");
  const user = h("input", { type: "text", autocomplete: "username", spellcheck: "false" }) as HTMLInputElement;
  const pass = h("input", { type: "password", autocomplete: "current-password" }) as HTMLInputElement;
  const errors = h("div", {});
  show(
    h("h1", {}, "Restore from a backup"),
    h("p", {}, "The backup is checked completely (every page, the key slots and the signed log) before anything is put in place. Use the user name and passphrase that were valid when the backup was made."),
    errors,
    h("h2", {}, "Backup file"),
    file,
    button("Choose the file…", async () => {
      try {
        const picked = await commands.choose_backup_file();
        if (picked) {
          chosen = picked;
          file.textContent = `Chosen: ${picked.name}`;
        }
      } catch (e) {
        errors.replaceChildren(errorSummary(message(e)));
      }
    }, "secondary"),
    field("User name", user),
    field("Passphrase", pass),
    h("div", { class: "button-group" },
      button("Check and restore", async (ev?: Event) => {
        const done = working(ev?.currentTarget as HTMLButtonElement, "Checking the backup…", busy);
        try {
          if (!chosen) {
            errors.replaceChildren(errorSummary("Choose the backup file first."));
            return;
          }
          // The token is spent by this call, whatever its outcome: a retry chooses again.
          const from = chosen.token;
          chosen = null;
          file.textContent = "No file chosen yet.";
          const r = await commands.restore_vault({ from, user: user.value, passphrase: pass.value });
          pass.value = "";
          await refresh();
          say(`Restored and checked: ${r.log_entries} signed log entries, ${r.key_slots} key slots. Unlock to continue.`);
        } catch (e) {
          pass.value = "";
          errors.replaceChildren(errorSummary(message(e)));
        } finally {
          done();
        }
      }),
      button("Cancel", () => void go({ to: "start" }), "secondary")),
    busy,
  );
}

async function openDemo() {
  show(h("p", { role: "status" }, "Preparing the demo vault…"));
  try {
    await commands.open_demo();
    void go({ to: "unlock", demo: true });
  } catch (e) {
    show(errorSummary(message(e)));
  }
}

function createScreen() {
  const busy = workingStatus("create-working");
  const user = h("input", { type: "text", autocomplete: "username", spellcheck: "false" }) as HTMLInputElement;
  const pass = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
  const again = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
  const meter = h("div", { class: "strength", id: "strength", "aria-live": "polite" }, "");
  pass.addEventListener("input", () => {
    const s = passphraseStrength(pass.value);
    meter.dataset.score = String(s.score);
    meter.textContent = `Strength: ${s.advice}`;
  });
  const errors = h("div", {});
  const form = h(
    "form",
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (pass.value !== again.value) return errors.replaceChildren(errorSummary("The two passphrases are different.", again));
        const done = working(form.querySelector("button[type=submit]") as HTMLButtonElement, "Creating the vault…", busy);
        try {
          const r = await commands.create_vault({ user: user.value, passphrase: pass.value });
          pass.value = again.value = "";
          void go({ to: "recovery", key: r.recovery_key });
        } catch (err) {
          errors.replaceChildren(errorSummary(message(err)));
        } finally {
          done();
        }
      },
    },
    field("Your user name", user, "Lower-case letters and digits, for example sam.taylor. You will be the vault's first manager."),
    field("Choose a passphrase", pass, "At least 12 characters. A few unrelated words are strong and easy to remember."),
    meter,
    field("Type the passphrase again", again),
    h("button", { type: "submit", class: "button primary" }, "Create the vault"),
    busy,
  );
  show(h("h1", {}, "Create your vault"), errors, form);
}

function recoveryScreen(key: string) {
  const groups = key.split("-");
  const confirm = checkbox("I have written the recovery key down and will keep it away from this laptop");
  const last = h("input", { type: "text", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
  const errors = h("div", {});
  show(
    h("h1", {}, "Your recovery key"),
    h("p", {}, "If every passphrase is forgotten, this key is the only way back in. It is shown once and stored nowhere."),
    h("p", { class: "recovery-key", id: "recovery-key" }, key),
    errors,
    confirm.el,
    field("Type the last group of the key", last, `The last group has ${groups[groups.length - 1].length} characters.`),
    button("Continue", async () => {
      const gaps = problems<HTMLElement>([
        [confirm.input.checked, confirm.el, "Tick the box to say you have written the recovery key down"],
        [last.value.trim().toUpperCase() === groups[groups.length - 1], last.closest<HTMLElement>(".form-group") ?? last, "Type the last group of the recovery key, as shown above"],
      ]);
      if (showProblems(errors, main, gaps)) return;
      await refresh();
      await go({ to: "caseload" });
    }),
  );
}

function unlockScreen(demo: boolean) {
  const busy = workingStatus("unlock-working");
  const user = h("input", { type: "text", autocomplete: "username", spellcheck: "false", id: "unlock-user" }) as HTMLInputElement;
  const pass = h("input", { type: "password", autocomplete: "current-password", id: "unlock-pass" }) as HTMLInputElement;
  const errors = h("div", {});
  const demoNote = demo
    ? h(
        "div",
        { class: "notice" },
        h("strong", {}, "Demo vault. "),
        `User name: ${state.status?.demo_user ?? "demo"}, passphrase: ${state.status?.demo_passphrase ?? ""}`,
      )
    : null;
  const form = h(
    "form",
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
        if (submit.disabled) return;
        const done = working(submit, "Unlocking…", busy);
        const marker = exitMarker();
        try {
          const r = await commands.unlock({ user: user.value, passphrase: pass.value, demo });
          pass.value = "";
          // Quick exit while the unlock ran: it must not open the vault behind the person's back.
          if (overtaken(marker)) {
            await commands.lock().catch(() => undefined);
            return;
          }
          say("");
          await refresh();
          await afterUnlock();
          if (r.failed_attempts > 0) {
            say(`${r.failed_attempts} failed unlock attempt${r.failed_attempts === 1 ? "" : "s"} for your name since your last unlock. If this was not you, tell your manager.`);
          }
        } catch (err) {
          pass.value = "";
          errors.replaceChildren(errorSummary(message(err)));
        } finally {
          done();
        }
      },
    },
    field("User name", user),
    field("Passphrase", pass),
    h("button", { type: "submit", class: "button primary" }, "Unlock"),
    busy,
  );
  const forgot = demo ? null : button("Forgotten your passphrase? Use the recovery key", () => void go({ to: "recover" }), "link");
  const other = demo
    ? state.status?.vault_exists
      ? button("Use my real vault instead", () => void go({ to: "unlock", demo: false }), "secondary")
      : button("Back", () => void go({ to: "start" }), "secondary")
    : button("Open the demo vault instead", () => void go({ to: "demo" }), "secondary");
  show(h("h1", {}, demo ? "Unlock the demo vault" : "Unlock Casekeep"), demoNote, errors, form, h("p", {}, forgot), other);
  user.focus();
}

function recoverScreen() {
  const busy = workingStatus("recover-working");
  const user = h("input", { type: "text", autocomplete: "username", spellcheck: "false" }) as HTMLInputElement;
  const key = h("input", { type: "text", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
  const pass = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
  const again = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
  const errors = h("div", {});
  show(
    h("h1", {}, "Reset a passphrase with the recovery key"),
    h("p", {}, "The recovery key was shown once when the vault was created. Using it gives you a new passphrase and a new signing key; it is recorded in the log."),
    errors,
    field("User name", user),
    field("Recovery key", key, "11 groups of 5 letters and digits; dashes and spaces do not matter."),
    field("New passphrase", pass, "At least 12 characters."),
    field("Type the new passphrase again", again),
    h("div", { class: "button-group" },
      button("Reset and unlock", async (ev?: Event) => {
        if (pass.value !== again.value) return errors.replaceChildren(errorSummary("The two passphrases are different.", again));
        const done = working(ev?.currentTarget as HTMLButtonElement, "Checking the recovery key…", busy);
        try {
          await commands.recover({ user: user.value, recoveryKey: key.value, passphrase: pass.value });
          pass.value = again.value = key.value = "";
          say("");
          await refresh();
          await go({ to: "today" });
          say("Passphrase reset. Keep the recovery key safe: it still works.");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        } finally {
          done();
        }
      }),
      button("Cancel", () => void go({ to: "unlock", demo: false }), "secondary")),
    busy,
  );
}

export const routes: Routes<"start" | "create" | "recovery" | "unlock" | "demo" | "recover" | "restore"> = {
  start: () => start(),
  create: () => createScreen(),
  recovery: (r) => recoveryScreen(r.key),
  unlock: (r) => unlockScreen(r.demo),
  demo: () => openDemo(),
  recover: () => recoverScreen(),
  restore: () => restoreScreen(),
};
