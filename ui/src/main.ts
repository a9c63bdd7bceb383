// Casekeep's screens. The document title names the screen, never a record value (screen.ts);
// the window's title stays "Casekeep"; names are masked until asked for; locking clears
// everything the page showed.
import { CaseStatus, CmdError, ClientOverview, ClientRecord, ClientSummary, ClientView, ConsentReport, ContactView, Enquiry, LogEntry, MaracAction, PurposeOption, Queue, QueueItem, RiskForm, ShareReceipt, Status, VaultSettings, isCmdError } from "./api";
import { at, button, checkbox, errorSummary, field, h, nextId, listBox, radios } from "./dom";
import { dateInput, readTime } from "./dateinput";
import type { DateInput } from "./dateinput";
import { errorTitle, fieldFor } from "./errors";
import { explain } from "./fieldnames";
import { LAWFUL_BASES, RECIPIENTS, cardWarnings, displayPhone, dueText, longDate, looksLikePhone, maskedKind, passphraseStrength, recipientLabel, runningScore, shortDate, todayIso, windowText } from "./logic";
import { editForm } from "./edit";
import { cardSafety, todayScreen } from "./today";
import { checkDuplicates, contactActions, contactHistory } from "./card";
import { CHANNELS, CONSENT_METHODS, CONSENT_STATES, FORMS, TOLD, YES_NO, checkAnswers, clientCaption, consentFromGate, consentSummary, declineSummary, enquirySummary, focusField, initialState, maracSummary, optionLabel, problems, showProblems } from "./forms";
import type { MaracAnswers } from "./forms";
import { listen } from "@tauri-apps/api/event";
import { announceScreen, keepFocusClear } from "./screen";
import { enhancePassphrases } from "./passfield";
import { exitMarker, noteExit, overtaken, working, workingStatus } from "./working";
import { forgetHelp, helpButton } from "./help";
import { installZoom, textSizeSetting } from "./zoom";
import { placeLabel, plainDateTime, technicalDetails } from "./plain";
import { closeIdleWarning, startIdleWatch } from "./idle";
import { DRAFT_FORMS, Draft, KeptDraft, draftNotice, flushDrafts, keepDraft, myDrafts, riskDraft } from "./drafts";
import { KeptForm, draftContext, keepForm, takeRestored } from "./formdraft";
import { agencySection, decisionsScreen, sharingSection } from "./decisions";
import type { Nav } from "./decisions";
import type { SharePreview } from "./api";
import * as commands from "./commands";

/** What the decisions module (ui/src/decisions.ts) needs from this shell of screens. */
const nav: Nav = { show: (...n) => show(...n), message: (e) => message(e), client: (id) => void clientScreen(id) };

const main = document.getElementById("main") as HTMLElement;
const topbar = document.getElementById("topbar") as HTMLElement;
const banner = document.getElementById("banner") as HTMLElement;

let status: Status | null = null;
/** The caseload's names (hidden after every unlock). Shown names are fetched from the
 *  core, which records each such read. */
let namesShown = false;
/** The client whose details were asked for during this visit to their record. */
let detailsFor: number | null = null;
/** How many screens `show()` has drawn: a screen whose data arrives after another screen
 *  was drawn is not drawn over it. */
let screensDrawn = 0;

function message(e: unknown): string {
  return isCmdError(e) ? (e as CmdError).message : "Something went wrong. Nothing was half-saved.";
}

/** Draws a screen: no banner, error or "Error:" title of the last one outlives it; its
 *  nodes in `main`, passphrase fields enhanced, then the title and focus on its h1 (screen.ts). */
function show(...nodes: Array<Node | null>) {
  screensDrawn++;
  forgetHelp();
  banner.replaceChildren();
  errorTitle(false);
  delete main.dataset.client;
  main.replaceChildren(...nodes.filter((n): n is Node => n !== null));
  enhancePassphrases(main);
  window.scrollTo(0, 0);
  announceScreen(main);
}

function say(text: string) {
  banner.replaceChildren(text ? h("p", {}, text) : "");
}

/** Clears every trace of record data from the page. */
function wipe() {
  noteExit();
  forgetHelp();
  main.replaceChildren();
  delete main.dataset.client;
  topbar.replaceChildren();
  banner.replaceChildren();
  document.body.classList.remove("demo");
  closeIdleWarning();
  namesShown = false;
  detailsFor = null;
}

/** The record open when the shell locked by itself (idle, sleep): its internal number and
 *  the user, never a record value; the same user is taken back to it after unlocking. */
let lastPlace: { user: string; client: number } | null = null;

/** After an unlock: the record this user was reading when the app locked by itself, else
 *  the caseload; their unfinished forms (drafts) offered at the top, focused. */
async function afterUnlock() {
  const place = lastPlace;
  lastPlace = null;
  if (place && place.user === status?.user) await clientScreen(place.client);
  else await today();
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
  if (d.kind === "enquiry") await enquiryForm(d.body);
  else if (id === null) return;
  else if (d.kind === "risk_checklist" || d.kind === "note") {
    const rec = { id, case_reference: d.case_reference ?? "", initials: d.initials ?? "" };
    if (d.kind === "risk_checklist") await riskForm(rec, d.body);
    else noteForm(rec, d.body);
  } else {
    let rec: ClientView;
    let consents: ConsentReport;
    try {
      rec = await commands.show_client({ id, names: namesShown || detailsFor === id });
      consents = await commands.consent_report({ client: id });
    } catch (e) {
      return show(errorSummary(message(e)));
    }
    const referral = draftContext(d.body).referral;
    if (d.kind === "consent") consentForm(rec, consents.purposes, d.body);
    else if (d.kind === "decline") declineForm(rec, consents.purposes, d.body);
    else if (d.kind === "share") await withDetails(rec, (full) => shareWizard(full, consents.purposes, d.body));
    else if (d.kind === "marac") await withDetails(rec, (full) => maracForm(full, typeof referral === "number" ? referral : null, d.body));
    else await withDetails(rec, (full) => editScreen(full, d.body));
  }
  const what = DRAFT_FORMS[d.kind].toLowerCase();
  say(takeRestored() === false
    ? `Your unfinished ${what} could not be put back: the form has changed since.`
    : `Your unfinished ${what} is back as you left it. Check it before you save.`);
}

async function lockNow(reason: string) {
  wipe();
  // A change typed in the last moment is kept as a draft (at most 0.3 s; the page is
  // already empty).
  await flushDrafts();
  try {
    await commands.lock();
  } catch {
    /* already locked */
  }
  await refresh();
  say(reason);
}

function renderTopbar() {
  const items: Node[] = [h("span", { class: "brand" }, "Casekeep"), helpButton()];
  if (status?.demo) items.push(h("strong", { class: "demo-tag" }, "DEMO — synthetic people only"));
  if (status?.unlocked) {
    items.push(
      h(
        "nav",
        { "aria-label": "Main" },
        button("Today", () => { say(""); void today(); }, "secondary"),
        button("Caseload", () => { say(""); void caseload(); }, "secondary"),
        button("Record an enquiry", () => { say(""); void enquiryForm(); }, "secondary", { id: "record-enquiry" }),
        button("Enquiries", () => { say(""); void enquiriesScreen(null); }, "secondary"),
        button("Decision log", () => { say(""); void logScreen(); }, "secondary"),
        button("Settings", () => { say(""); void settings(); }, "secondary"),
      ),
      h("span", { class: "who" }, `${status.user} (${status.role})`),
      button("Lock", () => void lockNow("Locked."), "warning", { title: "Lock now (Ctrl+Shift+L)" }),
    );
  }
  topbar.replaceChildren(...items);
  document.body.classList.toggle("demo", !!status?.demo);
}

async function refresh() {
  status = await commands.app_status();
  renderTopbar();
  if (!status.unlocked) {
    if (status.vault_exists) unlockScreen(false);
    else start();
  }
}

// ---------------------------------------------------------------- first run

function start() {
  show(
    h("h1", {}, "Welcome to Casekeep"),
    h("p", {}, "Casekeep keeps your caseload encrypted on this laptop. Nothing leaves unless you share it."),
    h(
      "div",
      { class: "button-group" },
      button("Create a vault", createScreen),
      button("Open the demo vault", () => void openDemo(), "secondary"),
      button("Restore from a backup", restoreScreen, "secondary"),
    ),
    h("p", { class: "hint" }, "The demo vault is separate, holds synthetic people only, and never mixes with your real vault."),
  );
}

/** A file chosen in the shell's own dialog: the page gets a one-use token and the name to
 *  show, never the path (and cannot send one). */
interface ChosenFile {
  token: string;
  name: string;
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
      button("Cancel", start, "secondary")),
    busy,
  );
}

async function openDemo() {
  show(h("p", { role: "status" }, "Preparing the demo vault…"));
  try {
    await commands.open_demo();
    unlockScreen(true);
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
          recoveryScreen(r.recovery_key);
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
      await caseload();
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
        `User name: ${status?.demo_user ?? "demo"}, passphrase: ${status?.demo_passphrase ?? ""}`,
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
  const forgot = demo ? null : button("Forgotten your passphrase? Use the recovery key", recoverScreen, "link");
  const other = demo
    ? status?.vault_exists
      ? button("Use my real vault instead", () => unlockScreen(false), "secondary")
      : button("Back", start, "secondary")
    : button("Open the demo vault instead", () => void openDemo(), "secondary");
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
          await today();
          say("Passphrase reset. Keep the recovery key safe: it still works.");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        } finally {
          done();
        }
      }),
      button("Cancel", () => unlockScreen(false), "secondary")),
    busy,
  );
}

// ---------------------------------------------------------------- caseload

/** The screen after unlock: ui/src/today.ts. */
function today() {
  detailsFor = null;
  // Drawn only if no other screen was drawn while its data was on the way (a click on
  // "Caseload" during a slow "today" call must not be overdrawn by it).
  const at = screensDrawn;
  const showIfCurrent = (...nodes: Array<Node | null>) => {
    if (screensDrawn === at) show(...nodes);
  };
  return todayScreen({ show: showIfCurrent, openClient: (id) => void clientScreen(id), requestAction, manager: status?.role === "manager", message });
}

function riskTag(level: string | null | undefined): HTMLElement {
  return h("span", { class: `tag risk-${level ?? "none"}` }, level ? level.toUpperCase() : "NOT ASSESSED");
}

async function caseload(search = "") {
  detailsFor = null;
  let clients: ClientSummary[];
  let queue: Queue;
  try {
    clients = await commands.list_clients({ search, names: namesShown });
    queue = await commands.work_queue();
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const today = todayIso();
  const overdue = queue.items.filter((i) => i.overdue).length;
  const searchBox = h("input", { type: "search", value: search, id: "search" }) as HTMLInputElement;
  searchBox.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Enter") void caseload(searchBox.value);
  });
  const toggle = button(namesShown ? "Hide names" : "Show names", () => {
    namesShown = !namesShown;
    void caseload(searchBox.value);
  }, "secondary", { "aria-pressed": namesShown ? "true" : "false", id: "toggle-names" });
  // Queue items by client, once (a filter per row was quadratic: 10k clients took seconds).
  const byClient = new Map<number, Queue["items"]>();
  for (const i of queue.items) {
    if (i.client_id === null) continue;
    const l = byClient.get(i.client_id);
    if (l) l.push(i);
    else byClient.set(i.client_id, [i]);
  }
  const clientRow = (c: ClientSummary) => {
    const d = dueText(c.safe_contact_review_due, today);
    const name = namesShown && c.full_name ? c.full_name : c.initials;
    const items = byClient.get(c.id) ?? [];
    const urgent = d?.urgent || items.some((i) => i.overdue);
    const text = items.length ? `${items.length} item${items.length === 1 ? "" : "s"} in the work queue` : d ? d.text : "";
    return h(
      "tr",
      {},
      h("td", {}, button(name, () => void clientScreen(c.id), "link", { "aria-label": `Open ${name}, ${c.case_reference}` })),
      h("td", {}, c.case_reference),
      h("td", {}, riskTag(c.risk_level)),
      h("td", { class: urgent || c.enquiry_alert ? "due urgent" : "due" }, c.enquiry_alert ? h("span", { class: "tag enquiry-alert" }, "ENQUIRY ALERT") : "", c.enquiry_alert && text ? " " : "", text),
    );
  };
  const queueRow = (i: Queue["items"][number]) => {
    const act = requestAction(i);
    return h(
      "tr",
      {},
      h("td", { class: i.overdue ? "due urgent" : "due" }, i.overdue ? `${i.due} (overdue)` : i.due),
      h("td", {}, i.client_id !== null ? button(`${i.initials ?? ""} ${i.case_reference ?? ""}`.trim() || `Client ${i.client_id}`, () => void clientScreen(i.client_id as number), "link") : ""),
      h("td", {}, i.what, ...(act ? [" ", act] : [])),
    );
  };
  const [queueBody, moreQueue] = paged(queue.items, queueRow, "work queue items");
  const [clientBody, moreClients] = paged(clients, clientRow, "clients");
  show(
    h("h1", {}, `Caseload (${clients.length})`),
    h("div", { class: "toolbar" }, field("Search by name or reference", searchBox), button("Search", () => void caseload(searchBox.value), "secondary"), toggle, button("Add a client", newClient)),
    h("h2", { id: "queue-heading" }, `Work queue (${queue.items.length})`),
    h("p", { class: overdue ? "due-summary urgent" : "due-summary" }, queue.items.length === 0 ? "Nothing is due." : overdue ? `${overdue} overdue.` : "Nothing overdue."),
    queue.items.length
      ? h(
          "table",
          { class: "table", "aria-labelledby": "queue-heading", id: "work-queue" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Due"), h("th", { scope: "col" }, "Client"), h("th", { scope: "col" }, "What to do"))),
          queueBody,
        )
      : null,
    moreQueue,
    h("h2", { id: "clients-heading" }, "Clients"),
    h(
      "table",
      { class: "table", "aria-labelledby": "clients-heading" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Client"), h("th", { scope: "col" }, "Reference"), h("th", { scope: "col" }, "Risk"), h("th", { scope: "col" }, "What is due"))),
      clientBody,
    ),
    moreClients,
  );
}

// Long lists are drawn a page at a time: 10,000 rows in the page cost WebKit hundreds of
// MiB and seconds of layout (docs/BENCHMARKS.md). Search finds anyone further down.
const PAGE = 200;

function paged<T>(items: T[], row: (t: T) => HTMLElement, what: string): [HTMLElement, HTMLElement | null] {
  let shown = Math.min(PAGE, items.length);
  const body = h("tbody", {}, ...items.slice(0, shown).map(row));
  if (shown >= items.length) return [body, null];
  const label = () => `Show ${Math.min(PAGE, items.length - shown)} more ${what} (${items.length - shown} not shown)`;
  const more = button(label(), () => {
    const next = items.slice(shown, shown + PAGE);
    body.append(...next.map(row));
    shown += next.length;
    if (shown >= items.length) more.remove();
    else more.textContent = label();
  }, "secondary");
  return [body, more];
}

function newClient() {
  const inp = (type = "text", attrs: Record<string, string> = {}) => h("input", { type, autocomplete: "off", spellcheck: "false", ...attrs }) as HTMLInputElement;
  const name = inp();
  const preferred = inp();
  const dob = dateInput({ label: "Date of birth", past: "strict", today: todayIso(), path: "date_of_birth" });
  const gender = inp();
  const address = h("textarea", { rows: "2" }) as HTMLTextAreaElement;
  const postcode = inp();
  const refuge = checkbox("This address is a refuge (it will never be shared)");
  const phone = inp("tel");
  const times = inp();
  // Asked, never assumed: both start unanswered and are required with a safe number.
  const firstContact = initialState(FORMS.newClient);
  const voicemail = radios("Is a voicemail safe?", "vm", YES_NO, firstContact.voicemail);
  const identify = radios("May we say who we are?", "id", YES_NO, firstContact.identify);
  const code = inp();
  const avoid = inp("tel");
  const avoidNote = inp();
  const note = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const nameField = at("full_name", field("Full name", name));
  const phoneField = at("contacts[0].value", field("Safe phone number", phone, "For example 07700 900123"));
  const avoidField = at("contacts[1].value", field("A number that must NOT be used", avoid));
  const errors = h("div", {});
  const duplicates = h("div", {});
  const save = async () => {
    const gaps = [
      ...problems<HTMLElement>([[!!name.value.trim(), nameField, "Enter their full name"]]),
      ...[dob.problem()].filter((p) => p !== null),
      ...problems<HTMLElement>([
        [!phone.value.trim() || looksLikePhone(phone.value), phoneField, "Enter a UK phone number, like 07700 900123"],
        [!phone.value.trim() || !!voicemail.value(), voicemail.el, "Say whether a voicemail on the safe number is safe"],
        [!phone.value.trim() || !!identify.value(), identify.el, "Say whether we may say who we are when we call"],
        [!avoid.value.trim() || looksLikePhone(avoid.value), avoidField, "Enter the number that must not be used as a UK phone number, like 07700 900456"],
      ]),
    ];
    if (showProblems(errors, main, gaps)) return;
    avoidField.dataset.path = `contacts[${phone.value.trim() ? 1 : 0}].value`;
    const contacts: unknown[] = [];
    if (phone.value.trim())
      contacts.push({
        channel: "phone",
        value: phone.value,
        safe_times: times.value,
        voicemail_ok: voicemail.value() === "yes",
        may_identify_agency: identify.value() === "yes",
        code_word: code.value,
        last_confirmed: todayIso(),
      });
    if (avoid.value.trim()) contacts.push({ channel: "phone", value: avoid.value, do_not_use: true, notes: avoidNote.value });
    const record: Record<string, unknown> = {
      full_name: name.value,
      preferred_name: preferred.value,
      gender: gender.value,
      address: address.value,
      postcode: postcode.value,
      address_is_refuge: refuge.input.checked,
      contacts,
    };
    if (dob.value) record.date_of_birth = dob.value;
    if (note.value.trim()) record.notes = [{ text: note.value }];
    if (!(await checkDuplicates(record, duplicates, (id) => void clientScreen(id)))) return;
    try {
      const id = await commands.add_client({ record });
      await clientScreen(id);
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  show(
    h("h1", {}, "Add a client"),
    errors,
    h("h2", {}, "About them"),
    nameField,
    at("preferred_name", field("Preferred name", preferred)),
    dob.el,
    at("gender", field("Gender", gender)),
    h("h2", {}, "Where they live"),
    at("address", field("Address", address)),
    at("postcode", field("Postcode", postcode, "For example DE1 1AA")),
    refuge.el,
    h("h2", {}, "How to contact them safely"),
    phoneField,
    at("contacts[0].safe_times", field("When it is safe to call", times, "For example Mon–Fri 10:00–12:00")),
    voicemail.el,
    identify.el,
    at("contacts[0].code_word", field("Code word", code, "Never shared with anyone.")),
    avoidField,
    field("Why it must not be used", avoidNote, "For example: shared landline"),
    h("h2", {}, "First note"),
    at("notes[0].text", field("Note", note)),
    duplicates,
    h("div", { class: "button-group" }, button("Save the client", () => void save()), button("Cancel", () => void caseload(), "secondary")),
  );
}

// ---------------------------------------------------------------- client record

function yesNo(v: boolean | null | undefined): HTMLElement {
  if (v === undefined || v === null) return h("span", { class: "muted" }, "not recorded");
  return h("strong", { class: v ? "yes" : "no" }, v ? "YES" : "NO");
}

/** When a contact is safe, in words: its windows (the core read them from the words, or
 *  they were edited as such) and the words as written; or that no safe time is known. */
function whenText(c: ContactView): string {
  const windows = c.safe_windows ?? [];
  const read = windows.map(windowText).join("; ");
  if (windows.length) return c.safe_times ? `${c.safe_times} only (read as ${read})` : `${read} only`;
  if (c.safe_times) return `“${c.safe_times}”: not understood as days and times, so no known safe time`;
  return "no safe times recorded, so no known safe time";
}

function safeContactCard(rec: ClientView): HTMLElement {
  const safety = cardSafety(rec.id);
  const all = rec.contacts.map((c, i) => ({ ...c, n: i + 1 }));
  const usable = all.filter((c) => !c.do_not_use);
  const avoid = all.filter((c) => c.do_not_use);
  const items = usable.map((c) => {
    const codeSpan = h("span", { class: "code-word", "aria-live": "polite" }, c.code_word_set ? "•••••" : "none");
    // The code word is not in the record the page holds: the core hands it over on
    // request and records that it did.
    const reveal: HTMLButtonElement | null = c.code_word_set
      ? button("Reveal", async () => {
          if (codeSpan.textContent !== "•••••") {
            codeSpan.textContent = "•••••";
            if (reveal) {
              reveal.textContent = "Reveal";
              reveal.setAttribute("aria-label", "Reveal code word");
            }
            return;
          }
          try {
            codeSpan.textContent = await commands.reveal_code_word({ client: rec.id, contact: c.n });
            if (reveal) {
              reveal.textContent = "Hide";
              reveal.setAttribute("aria-label", "Hide code word");
            }
          } catch (e) {
            say(message(e));
          }
        }, "secondary", { "aria-label": "Reveal code word" })
      : null;
    const number = c.value ? (c.value.startsWith("+") ? displayPhone(c.value) : c.value) : "(no number)";
    const warnings = cardWarnings(c.cautions ?? [], true);
    const ackBox = h("div", { class: "ack-box" });
    return h(
      "div",
      { class: "contact" },
      h("p", { class: "number" }, h("span", { class: "channel" }, c.channel === "phone" ? "☎ " : `${c.channel}: `), h("span", { class: "value" }, number),
        c.value ? button("Copy", () => void copyNumber(rec.id, c.n, c.cautions ?? [], ackBox), "secondary", { "aria-label": "Copy the safe number" }) : null),
      h("p", { class: "when" }, h("strong", {}, "When: "), whenText(c)),
      safety.for(c, c.n),
      warnings.length ? h("p", { class: "cautions", "aria-label": "Warnings" }, ...warnings.map((w) => h("strong", { class: "caution-tag" }, w))) : null,
      h("p", {}, "Voicemail: ", yesNo(c.voicemail_ok), "   Say who we are: ", yesNo(c.may_identify_agency), "   Code word: ", codeSpan, " ", reveal),
      h("p", { class: "muted" }, `Confirmed ${c.last_confirmed ? longDate(c.last_confirmed) : "never"}; review due ${c.review_due ? longDate(c.review_due) : "not set"}`),
      contactActions(rec.id, c.n, ackBox, (text) => void clientScreen(rec.id).then(() => say(text))),
      ackBox,
    );
  });
  const avoidItems = avoid.map((c) => {
    const ackBox = h("div", { class: "ack-box" });
    return h(
      "div",
      { class: "do-not-use" },
      h("p", {}, h("strong", {}, "✖ DO NOT USE: "), c.value ? displayPhone(c.value) : c.channel, c.notes ? ` (${c.notes})` : "", " ",
        c.value ? button("Copy the do-not-use number…", () => void copyNumber(rec.id, c.n, c.cautions ?? ["do_not_use"], ackBox), "link") : null),
      ackBox,
    );
  });
  return h(
    "section",
    { class: "safe-card", "aria-labelledby": "safe-title" },
    h("h2", { id: "safe-title" }, "How to contact safely"),
    ...(items.length ? items : [h("p", { class: "do-not-use" }, "No safe way to contact is recorded. Do not make contact until one is agreed.")]),
    ...avoidItems,
  );
}

/** Copies a number. When the card shows warnings (or the core's gate finds some by the time
 *  of the click), the number is copied only after the worker acknowledges them with a
 *  reason, which the core records in the audit trail. */
async function copyNumber(client: number, contact: number, cautions: readonly string[], ackBox: HTMLElement) {
  if (cautions.length) return askAcknowledgement(client, contact, cardWarnings(cautions), ackBox);
  try {
    // The shell copies it and clears it again after 10 seconds.
    await commands.copy_safe_number({ client, contact });
    say("Number copied. It will be cleared from the clipboard in 10 seconds.");
  } catch (e) {
    if (isCmdError(e) && e.code === "acknowledgement_required") return askAcknowledgement(client, contact, [message(e)], ackBox);
    say(message(e));
  }
}

function askAcknowledgement(client: number, contact: number, warnings: string[], box: HTMLElement) {
  const reason = h("textarea", { rows: "2", id: nextId("ack"), maxlength: "500" }) as HTMLTextAreaElement;
  const errors = h("div", {});
  const go = async () => {
    try {
      await commands.copy_safe_number({ client, contact, reason: reason.value });
      box.replaceChildren();
      say("Number copied with your reason recorded. It will be cleared from the clipboard in 10 seconds.");
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  box.replaceChildren(
    h(
      "div",
      { class: "ack", role: "alertdialog", "aria-labelledby": `${reason.id}-title` },
      h("h3", { id: `${reason.id}-title` }, "Check before you contact"),
      h("ul", {}, ...warnings.map((w) => h("li", {}, w))),
      h("p", {}, "A call or message now could put the client at risk. Check the arrangement first. To copy the number anyway, say why: this is recorded in the audit trail."),
      errors,
      field("Why contact now? (at least 10 characters)", reason),
      h("div", { class: "button-group" }, button("Copy anyway", () => void go(), "warning"), button("Cancel", () => box.replaceChildren(), "secondary")),
    ),
  );
  reason.focus();
}

/** Runs `then` with the client's full record: fetched (an audited read of their details)
 *  if the screen holds only the overview. */
async function withDetails(rec: ClientView, then: (full: ClientRecord) => void | Promise<void>) {
  if (rec.details) return then(rec);
  try {
    const full = await commands.show_client({ id: rec.id, names: true });
    detailsFor = rec.id;
    await then(full);
  } catch (e) {
    say(message(e));
  }
}

async function clientScreen(id: number) {
  let rec: ClientView;
  let consents: ConsentReport;
  let caseState: CaseStatus;
  if (detailsFor !== id) detailsFor = null;
  try {
    // With names hidden the core sends only the overview; the details come on request.
    rec = await commands.show_client({ id, names: namesShown || detailsFor === id });
    consents = await commands.consent_report({ client: id });
    caseState = await commands.case_status({ client: id });
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const history = await contactHistory(id, rec.details);
  const latest = rec.risk.length ? rec.risk.reduce((a, b) => (b.date >= a.date ? b : a)) : null;
  const shownName = rec.details ? rec.full_name : rec.initials;
  // The core's decision per recipient (consent::current): the general row, and each
  // purpose whose decision differs from it. The screen shows them; it decides nothing.
  const consentRows = consents.current.filter((d) => d.purpose.code === "general" || d.differs_from_general).map((d) => {
    const state = d.state ? `${d.state.replace(/_/g, " ")}${d.review_overdue ? " (review overdue)" : ""}` : "not recorded";
    const e = d.entry;
    return h("tr", {}, h("th", { scope: "row" }, recipientLabel(d.recipient)), h("td", {}, d.purpose.label), h("td", {}, state), h("td", {}, shortDate(d.review_on)), h("td", {}, e ? `${e.recorded_by}, ${shortDate(e.recorded_at.slice(0, 10))}` : ""));
  });
  const toggle = rec.details
    ? button("Hide details", () => {
        detailsFor = null;
        namesShown = false;
        void clientScreen(id);
      }, "secondary", { "aria-pressed": "true", id: "toggle-details" })
    : button("Show details", () => {
        detailsFor = id;
        void clientScreen(id);
      }, "secondary", { "aria-pressed": "false", id: "toggle-details" });
  const sharing = await sharingSection(nav, id, () => void clientScreen(id));
  show(
    h("h1", {}, `${shownName} · ${rec.case_reference} · `, riskTag(latest?.level)),
    h(
      "div",
      { class: "button-group" },
      button("Share…", () => void withDetails(rec, (full) => shareWizard(full, consents.purposes)), "primary"),
      button("Record a decision not to share", () => declineForm(rec, consents.purposes), "secondary"),
      button("Record consent", () => consentForm(rec, consents.purposes), "secondary"),
      button("Edit details", () => void withDetails(rec, editScreen), "secondary"),
      button("Add a note", () => noteForm(rec), "secondary"),
      button("Risk checklist", () => void riskForm(rec), "secondary"),
      button("Enquiries about this client", () => void enquiriesScreen(id), "secondary"),
      toggle,
    ),
    rec.enquiry_alert
      ? h(
          "div",
          { class: "notice warn", role: "note", id: "enquiry-alert" },
          h("strong", {}, "Enquiry alert. "),
          "Someone may be fishing for this client: the same caller has asked about several clients or again and again about this one, or a caller for an organisation could not be matched to its switchboard. Confirm nothing to anyone; your manager has it on their work queue.",
        )
      : null,
    safeContactCard(rec),
    history,
    h("h2", {}, "Consent"),
    h("table", { class: "table", id: "consent-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Recipient"), h("th", { scope: "col" }, "Purpose"), h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, "Review"), h("th", { scope: "col" }, "Recorded"))), h("tbody", {}, ...consentRows)),
    ...sharing,
    ...riskSection(rec.risk, latest),
    ...(rec.details ? detailSections(rec) : [hiddenNotice(id)]),
    ...caseSection(rec, caseState),
  );
  main.dataset.client = String(id);
}

/** In place of the details while names are hidden. */
function hiddenNotice(id: number): HTMLElement {
  return h(
    "section",
    { class: "notice", "aria-labelledby": "details-hidden" },
    h("h2", { id: "details-hidden" }, "Details hidden"),
    h("p", {}, "Names, addresses, children, the person causing harm, MARAC referrals and notes are hidden while names are hidden. Showing them is recorded in the audit trail."),
    button("Show details", () => {
      detailsFor = id;
      void clientScreen(id);
    }, "secondary"),
  );
}

function detailSections(rec: ClientRecord): Node[] {
  return [
    ...maracSection(rec),
    h("h2", {}, "Details"),
    h(
      "dl",
      { class: "summary" },
      ...(
        [
          ["Preferred name", rec.preferred_name],
          ["Date of birth", rec.date_of_birth ? longDate(rec.date_of_birth) : undefined],
          ["Gender", rec.gender],
          ["Address", rec.address_is_refuge ? "Refuge (address never shared)" : rec.address],
          ["Children", rec.children.map((c) => c.full_name).join(", ")],
          ["Person causing harm", rec.perpetrator?.full_name],
        ] as Array<[string, string | undefined]>
      ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v || "not recorded")]),
    ),
    h("h2", {}, "Notes"),
    ...rec.notes.map((n) => h("div", { class: "note" }, h("p", { class: "muted" }, `Note ${n.id} · ${longDate(n.date)} · ${n.author}`), h("p", {}, n.text))),
  ];
}

const CRITERIA: Record<string, string> = {
  visible_high_risk: "visible high risk",
  professional_judgement: "professional judgement",
  potential_escalation: "potential escalation",
};
const criteriaText = (c: string[]) => (c.length ? c.map((x) => CRITERIA[x] ?? x).join(", ") : "none");

function riskSection(risk: ClientOverview["risk"], latest: ClientOverview["risk"][number] | null): Node[] {
  const history = [...risk].reverse();
  const nodes: Array<Node | null> = [
    h("h2", {}, "Risk"),
    h("p", { id: "risk-latest" }, latest ? `Latest: ${latest.score} of 24 on ${longDate(latest.date)} · ${latest.level} · MARAC criteria met: ${criteriaText(latest.criteria_met)}` : "No risk assessment recorded."),
    history.length
      ? h(
          "table",
          { class: "table" },
          h("caption", { class: "visually-hidden" }, "Risk assessments, newest first"),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Date"), h("th", { scope: "col" }, "Score"), h("th", { scope: "col" }, "Level"), h("th", { scope: "col" }, "Criteria met"), h("th", { scope: "col" }, "By"))),
          h("tbody", {}, ...history.map((r) => h("tr", {}, h("td", {}, shortDate(r.date)), h("td", {}, `${r.score} of 24`), h("td", {}, riskTag(r.level)), h("td", {}, criteriaText(r.criteria_met)), h("td", {}, r.assessed_by)))),
        )
      : null,
  ];
  return nodes.filter((n): n is Node => n !== null);
}

function maracSection(rec: ClientRecord): Node[] {
  const refs = [...rec.marac].reverse();
  return [
    h("h2", {}, "MARAC"),
    h("div", { class: "button-group" }, button("Refer to MARAC", () => maracForm(rec, null), "secondary")),
    ...(refs.length === 0
      ? [h("p", {}, "No referral recorded.")]
      : refs.map((m) =>
          h(
            "div",
            { class: "card" },
            h("h3", {}, `Referral ${m.referral} · ${longDate(m.referred_on)}${m.repeat ? " · REPEAT (within 12 months of the last)" : ""}`),
            h(
              "dl",
              { class: "summary" },
              ...(
                [
                  ["Reason", m.reason],
                  ["Criteria met", `${criteriaText(m.criteria_met)} (score ${m.score} of 24, assessment of ${m.assessment_date})`],
                  ["Meeting", m.meeting_date ? longDate(m.meeting_date) : "not yet set"],
                  ["Agencies present", m.agencies_present.join(", ") || "not recorded"],
                  ["Referred by", m.referred_by],
                ] as Array<[string, string]>
              ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
            ),
            m.actions.length
              ? h(
                  "table",
                  { class: "table" },
                  h("caption", {}, `Actions for referral ${m.referral}`),
                  h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Agency"), h("th", { scope: "col" }, "Owner"), h("th", { scope: "col" }, "Action"), h("th", { scope: "col" }, "Due"), h("th", { scope: "col" }, "Done"))),
                  h("tbody", {}, ...m.actions.map((a) => h("tr", {}, h("td", {}, a.agency), h("td", {}, a.owner), h("td", {}, a.description ?? ""), h("td", {}, shortDate(a.due)), h("td", {}, a.done ? "done" : "open")))),
                )
              : null,
            button(`Update referral ${m.referral}`, () => maracForm(rec, m.referral), "secondary"),
          ),
        )),
  ];
}

function caseSection(rec: ClientView, st: CaseStatus): Node[] {
  const errors = h("div", {});
  const act = async (action: string, reason?: string) => {
    try {
      await commands.change_case({ client: rec.id, action, reason: reason ?? null });
      await clientScreen(rec.id);
      say(action === "close" ? "Case closed." : action === "reopen" ? "Case reopened." : action === "hold" ? "Legal hold set." : "Legal hold released.");
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  const stateText = st.open ? "Open." : `Closed on ${longDate(st.closed_on)}; kept until ${longDate(st.retain_until)}, then purged by a manager.`;
  const box = h("div", { class: "button-group" });
  if (st.open) {
    box.append(button("Close the case", () => {
      box.replaceChildren(
        h("p", { class: "warning-text", role: "alert" }, "Closing starts the retention period. The case stays readable until it is purged."),
        button("Yes, close the case", () => void act("close"), "warning"),
        button("Keep it open", () => void clientScreen(rec.id), "secondary"),
      );
    }, "secondary"));
  } else {
    box.append(button("Reopen the case", () => void act("reopen"), "secondary"));
  }
  const parts: Node[] = [h("h2", {}, "Case"), errors, h("p", { id: "case-state" }, stateText, st.legal_hold ? ` Under legal hold${rec.details ? `: ${st.hold_reason ?? ""}` : ""} (never purged while held).` : ""), box];
  if (status?.role === "manager") {
    if (st.legal_hold) {
      box.append(button("Release the legal hold", () => void act("release"), "secondary"));
    } else {
      const reason = h("input", { type: "text", autocomplete: "off" }) as HTMLInputElement;
      parts.push(field("Reason for a legal hold", reason, "For example: family court proceedings. At least 10 characters."), button("Put under legal hold", () => void act("hold", reason.value), "secondary"));
    }
  }
  return parts;
}

async function riskForm(rec: { id: number; case_reference: string; initials: string }, restore?: Record<string, unknown>) {
  let form: RiskForm;
  try {
    form = await commands.risk_form();
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const cfg = form.settings.risk;
  const errors = h("div", {});
  const date = dateInput({ label: "Date of the assessment", required: true, past: "today", today: todayIso(), value: todayIso(), path: "risk[0].date" });
  const answers: Array<string | null> = form.questions.map(() => null);
  const live = h("p", { class: "running-score", id: "running-score", role: "status", "aria-live": "polite" });
  const judgement = checkbox("Professional judgement: I believe this person is at high risk whatever the score");
  const reason = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const incidents = h("input", { type: "number", min: "0", max: "1000", inputmode: "numeric" }) as HTMLInputElement;
  const incidentCount = () => (incidents.value.trim() === "" ? null : Number(incidents.value));
  const update = () => {
    const r = runningScore(answers, judgement.input.checked, incidentCount(), cfg);
    live.textContent = `Score: ${r.score} of 24 · ${r.level} · MARAC criteria met: ${r.criteria.length ? r.criteria.join(", ") : "none"}${r.unanswered ? ` · ${r.unanswered} not yet answered` : ""}`;
  };
  const questions = form.questions.map((q, i) => {
    const name = `q${i + 1}`;
    const opts: Array<[string, string]> = [["yes", "Yes"], ["no", "No"], ["not_known", "Not known"]];
    const inputs = opts.map(([value, label]) => {
      const input = h("input", { type: "radio", name, value, id: `${name}-${value}` }) as HTMLInputElement;
      input.addEventListener("change", () => {
        answers[i] = value;
        update();
      });
      return h("div", { class: "radio inline" }, input, h("label", { for: input.id }, label));
    });
    return h("fieldset", { class: "fieldset question", "data-path": i === 0 ? "risk[0].answers" : undefined }, h("legend", {}, `${i + 1}. ${q}`), ...inputs);
  });
  const reasonField = at("risk[0].judgement_reason", field("Reason for your professional judgement", reason, "Required if you tick professional judgement."));
  const incidentsField = at("risk[0].police_incidents_12m", field("Police-reported incidents in the last 12 months", incidents, "Leave empty if not known."));
  judgement.input.addEventListener("change", update);
  incidents.addEventListener("input", update);
  if (restore) {
    const d = riskDraft(restore, questions.length);
    if (d.date) date.set(d.date);
    d.answers.forEach((a, i) => {
      const input = a ? questions[i]?.querySelector<HTMLInputElement>(`input[value="${a}"]`) : null;
      if (input) {
        input.checked = true;
        answers[i] = a;
      }
    });
    judgement.input.checked = d.judgement;
    reason.value = d.reason;
    incidents.value = d.incidents;
  }
  update();
  const kept = keepDraft("risk_checklist", rec.id, [date.el, ...questions, judgement.el, reason, incidents], () => ({
    date: date.value,
    answers,
    professional_judgement: judgement.input.checked,
    judgement_reason: reason.value,
    police_incidents_12m: incidents.value,
  }));
  const save = async () => {
    const n = incidentCount();
    const gaps = [
      ...[date.problem()].filter((p) => p !== null),
      ...problems<HTMLElement>(questions.map((q, i) => [answers[i] !== null, q, `Answer question ${i + 1} (Not known is an answer)`])),
      ...problems<HTMLElement>([
        [!judgement.input.checked || !!reason.value.trim(), reasonField, "Enter the reason for your professional judgement"],
        [n === null || (Number.isInteger(n) && n >= 0 && n <= 1000), incidentsField, "Enter the number of police-reported incidents as a whole number, like 3"],
      ]),
    ];
    if (showProblems(errors, main, gaps)) return;
    const entry: Record<string, unknown> = { date: date.value, answers, professional_judgement: judgement.input.checked };
    if (reason.value.trim()) entry.judgement_reason = reason.value;
    if (incidentCount() !== null) entry.police_incidents_12m = incidentCount();
    try {
      await commands.update_client({ id: rec.id, patch: { risk: [entry] } });
      await kept.done();
      await clientScreen(rec.id);
      say("Risk assessment saved.");
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  show(
    clientCaption(rec),
    h("h1", {}, `Risk checklist for ${rec.case_reference}`),
    errors,
    h("p", { class: "hint" }, `24 questions in the order of the SafeLives DASH checklist, in our own words. Ask them as written. This vault refers to MARAC at ${cfg.marac_score} or more yes answers, on professional judgement, or at ${cfg.escalation_incidents} or more police-reported incidents in 12 months.`),
    date.el,
    live,
    ...questions,
    judgement.el,
    reasonField,
    incidentsField,
    h("div", { class: "button-group sticky" }, button("Save the assessment", () => void save()), button("Cancel", () => void kept.done().then(() => clientScreen(rec.id)), "secondary")),
  );
}

function maracForm(rec: ClientRecord, referral: number | null, restore?: Record<string, unknown>) {
  const errors = h("div", {});
  const existing = referral === null ? null : rec.marac.find((m) => m.referral === referral) ?? null;
  const referredOn = dateInput({ label: "Date of referral", required: true, past: "today", today: todayIso(), value: todayIso(), path: "referred_on" });
  const reason = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  if (existing) reason.value = existing.reason;
  const meeting = dateInput({ label: "Meeting date", value: existing?.meeting_date ?? "", path: "meeting_date", hint: "If it is set. For example, 12 4 2027" });
  const agencies = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  agencies.value = existing?.agencies_present.join("\n") ?? "";
  const actionRows: Array<{ agency: HTMLInputElement; owner: HTMLInputElement; description: HTMLInputElement; due: DateInput; done: HTMLInputElement; el: HTMLElement }> = [];
  const actionsBox = h("div", {});
  const addAction = (a?: MaracAction) => {
    const n = actionRows.length + 1;
    const text = (v?: string) => h("input", { type: "text", autocomplete: "off", value: v ?? "" }) as HTMLInputElement;
    const row: (typeof actionRows)[number] = { agency: text(a?.agency), owner: text(a?.owner), description: text(a?.description), due: dateInput({ label: `Due date for action ${n}`, value: a?.due ?? "", hint: "For example, 12 4 2027" }), done: checkbox("Done", a?.done ?? false).input, el: h("div", {}) };
    const doneBox = row.done.parentElement ?? h("div", {});
    row.el = h("fieldset", { class: "fieldset" }, h("legend", {}, `Action ${n}`), at(`actions[${n - 1}].agency`, field("Agency", row.agency)), at(`actions[${n - 1}].owner`, field("Owner", row.owner)), at(`actions[${n - 1}].description`, field("What is to be done", row.description)), at(`actions[${n - 1}].due`, row.due.el), doneBox);
    actionRows.push(row);
    actionsBox.append(row.el);
  };
  existing?.actions.forEach((a) => addAction(a));
  const referredOnField = referredOn.el;
  const reasonField = at("reason", field("Reason for referral", reason));
  const meetingField = meeting.el;
  const agenciesField = at("agencies_present[0]", field("Agencies present", agencies, "One per line."));
  // Asked with no answer chosen; for an earlier referral only when it does not hold one.
  const askAware = !existing || existing.victim_aware === undefined;
  const aware = radios("Does the person know about this referral?", "victim-aware", [["yes", "Yes, they know"], ["no", "No, they do not know"]]);
  aware.el.id = "victim-aware";
  aware.el.dataset.path = "victim_aware";
  const actionsSection = h("div", {}, h("h2", {}, "Actions"), actionsBox, button("Add an action", () => addAction(), "secondary"));
  const form = h("div", { id: "marac-form" },
    existing ? null : h("p", { class: "hint" }, "The referral records the criteria met by the latest risk assessment on or before the referral date."),
    existing ? null : referredOnField,
    reasonField,
    askAware ? aware.el : null,
    meetingField,
    agenciesField,
    actionsSection);
  // A draft's action rows are made again before its answers are put back.
  const rowsKept = draftContext(restore).actions;
  while (typeof rowsKept === "number" && actionRows.length < Math.min(rowsKept, 50)) addAction();
  const kept = keepForm("marac", rec.id, form, restore, () => ({ referral, actions: actionRows.length }));
  const page = formPage([
    clientCaption(rec),
    h("h1", {}, existing ? `Referral ${existing.referral} for ${rec.case_reference}` : `Refer ${rec.case_reference} to MARAC`),
    errors,
    form,
    h("div", { class: "button-group" }, button("Continue", () => review()), button("Cancel", cancelKept(kept, rec.id), "secondary")),
  ], errors);
  const review = () => {
    const rows = actionRows.filter(actionStarted);
    const gaps = [
      ...(existing ? [] : [referredOn.problem()]).filter((p) => p !== null),
      ...problems<HTMLElement>([[!!reason.value.trim(), reasonField, "Enter the reason for the referral"]]),
      ...[meeting.problem()].filter((p) => p !== null),
      ...rows.flatMap((r, i) => [
        ...problems<HTMLElement>([
          [!!r.agency.value.trim(), r.agency.parentElement ?? r.el, `Action ${i + 1}: enter the agency`],
          [!!r.owner.value.trim(), r.owner.parentElement ?? r.el, `Action ${i + 1}: enter who owns it`],
        ]),
        ...[r.due.problem() ?? (r.due.value ? null : { field: r.due.el, message: `Action ${i + 1}: enter the due date`, target: r.due.day })].filter((p) => p !== null),
      ]),
      ...problems<HTMLElement>([[!!existing || !!aware.value(), aware.el, "Say whether the person knows about this referral."]]),
    ];
    if (showProblems(errors, form, gaps)) return;
    const body = referralBody();
    show(...checkAnswers({
      client: rec,
      title: existing ? `Check your answers before signing the update to referral ${existing.referral}` : "Check your answers before signing the referral",
      rows: maracSummary(
        {
          referredOn: existing ? null : longDate(referredOn.value),
          reason: reason.value,
          meeting: longDate(meeting.value),
          agencies: agencies.value.split("\n").map((x) => x.trim()).filter(Boolean),
          actions: (body.actions as MaracAnswers["actions"] | undefined) ?? [],
          aware: askAware ? aware.value() : null,
        },
        { referredOn: referredOnField, reason: reasonField, meeting: meetingField, agencies: agenciesField, actions: actionsSection, aware: aware.el },
      ),
      note: "Signing records the referral in the signed log.",
      change: page.change,
      cancel: cancelKept(kept, rec.id),
      confirm: (box) => save(body, box),
    }));
  };
  const actionStarted = (r: (typeof actionRows)[number]) => !!(r.agency.value.trim() || r.owner.value.trim() || r.description.value.trim() || r.due.day.value.trim() || r.due.month.value.trim() || r.due.year.value.trim());
  const referralBody = () => {
    const body: Record<string, unknown> = {};
    if (existing) {
      body.referral = existing.referral;
      if (reason.value.trim() !== existing.reason) body.reason = reason.value;
    } else {
      body.referred_on = referredOn.value;
      body.reason = reason.value;
    }
    if (askAware && aware.value()) body.victim_aware = aware.value() === "yes";
    if (existing || meeting.value) body.meeting_date = meeting.value || null;
    if (existing || agencies.value.trim()) body.agencies_present = agencies.value.split("\n").map((x) => x.trim()).filter(Boolean);
    if (existing || actionRows.length) {
      body.actions = actionRows
        .filter(actionStarted)
        .map((r) => ({ agency: r.agency.value, owner: r.owner.value, description: r.description.value.trim() || undefined, due: r.due.value, done: r.done.checked }));
    }
    return body;
  };
  const save = async (body: Record<string, unknown>, box: HTMLElement) => {
    try {
      const out = await commands.record_marac({ client: rec.id, referral: body });
      await kept.done();
      await clientScreen(rec.id);
      say(existing ? `Referral ${out.referral} updated.` : `Referral ${out.referral} recorded${out.repeat ? " (a repeat referral)" : ""}. Criteria met: ${criteriaText(out.criteria_met)}.`);
    } catch (e) {
      page.refused(e, box);
    }
  };
  page.render();
}

function editScreen(rec: ClientRecord, restore?: Record<string, unknown>) {
  const errors = h("div", {});
  let kept: KeptDraft | null = null;
  const form = h("div", { id: "edit-form" }, ...editForm(
    rec,
    async (patch, liftReason) => {
      try {
        const changed = await commands.update_client({ id: rec.id, patch, liftReason: liftReason ?? null });
        await kept?.done();
        await clientScreen(rec.id);
        say(changed.length ? `Saved: ${changed.length} field${changed.length === 1 ? "" : "s"} changed.` : "Nothing changed.");
      } catch (e) {
        errors.replaceChildren(errorSummary(message(e)));
      }
    },
    () => (kept ? cancelKept(kept, rec.id)() : void clientScreen(rec.id)),
    errors,
  ));
  kept = keepForm("edit_client", rec.id, form, restore);
  show(clientCaption(rec), h("h1", {}, `Edit ${rec.case_reference}`), errors, form);
}

function noteForm(rec: { id: number; case_reference: string; initials: string }, restore?: Record<string, unknown>) {
  const text = h("textarea", { rows: "5" }) as HTMLTextAreaElement;
  if (typeof restore?.text === "string") text.value = restore.text;
  const kept = keepDraft("note", rec.id, [text], () => ({ text: text.value }));
  const errors = h("div", {});
  show(
    clientCaption(rec),
    h("h1", {}, "Add a note"),
    errors,
    at("notes[0].text", field("Note", text, "Notes are kept in order and never changed afterwards.")),
    h("div", { class: "button-group" },
      button("Save the note", async () => {
        try {
          await commands.update_client({ id: rec.id, patch: { notes: [{ text: text.value }] } });
          await kept.done();
          await clientScreen(rec.id);
          say("Note added.");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }),
      button("Cancel", () => void kept.done().then(() => clientScreen(rec.id)), "secondary")),
  );
}

/** The purpose radios of the consent, decline and share forms: the recipient's purposes
 *  from the core's closed list, "Other…" with the words, and (for consent only) "Any
 *  purpose". Nothing is chosen at first. `value()` is what the core's one parser receives
 *  (a code, "general", or the words of "other"), or null when nothing usable is chosen. */
function purposeChooser(purposes: PurposeOption[], recipient: () => string, id: string, general: boolean) {
  const options = (): Array<[string, string]> => [
    ...(general ? [["general", "Any purpose (general)"] as [string, string]] : []),
    ...purposes.filter((p) => p.recipient === recipient()).map((p) => [p.code, p.label] as [string, string]),
    ["other", "Other…"],
  ];
  const choice = radios("Purpose", id, options(), "", { id, hint: general ? "What the person agreed or did not agree to." : "What the information is for." });
  const other = h("input", { type: "text", id: `${id}-other` }) as HTMLInputElement;
  const otherField = field("The purpose in words", other, "Recorded as “other”. A refusal for any other purpose covers this one too.");
  const showOther = () => {
    otherField.hidden = choice.value() !== "other";
  };
  const refresh = () => {
    choice.setOptions(options());
    showOther();
  };
  choice.el.addEventListener("change", showOther);
  showOther();
  return {
    el: h("div", {}, choice.el, otherField),
    refresh,
    value: (): string | null => (choice.value() === "other" ? other.value.trim() || null : choice.value() || null),
    /** The purpose in words, for the check-your-answers summary. */
    label: (): string => (choice.value() === "other" ? `Other: ${other.value.trim()}` : choice.label()),
  };
}

/** The recipient radios (nothing chosen at first) with the purpose select that follows them. */
function recipientAndPurpose(legend: string, purposes: PurposeOption[], id: string, general: boolean, chosen = "") {
  const recipient = radios(legend, `${id}-recipient`, RECIPIENTS, chosen);
  const purpose = purposeChooser(purposes, recipient.value, id, general);
  recipient.el.addEventListener("change", purpose.refresh);
  at("purpose", purpose.el);
  return { recipient, purpose };
}

/** A form's page as a function, so that "Change" on its check-your-answers page shows the
 *  same nodes again, every answer as the worker left it. */
function formPage(nodes: Array<Node | null>, errors?: HTMLElement) {
  return {
    render: () => show(...nodes),
    change: (f: HTMLElement) => {
      show(...nodes);
      focusField(f);
    },
    /** A refusal by the core on the check-your-answers page: back on the form, shown at the
     *  field it names when the form has that field; in `box` (that page's summary) otherwise. */
    refused: (e: unknown, box: HTMLElement) => {
      const { path, message: words } = explain(message(e));
      const f = path && errors ? nodes.map((n) => (n instanceof HTMLElement ? fieldFor(n, path) : null)).find((x) => x) : null;
      if (!f || !errors) return void box.replaceChildren(errorSummary(message(e)));
      show(...nodes);
      showProblems(errors, main, [{ field: f, message: words }]);
    },
  };
}

/** A signing form's first page: the client, the heading, the problems, the questions, then
 *  Continue (to `next`, which checks the answers) and Cancel (back to the client). */
function signingForm(rec: ClientView, title: string, errors: HTMLElement, form: HTMLElement, next: () => void, cancel: () => void = () => void clientScreen(rec.id)) {
  return formPage([
    clientCaption(rec),
    h("h1", {}, title),
    errors,
    form,
    h("div", { class: "button-group" }, button("Continue", next), button("Cancel", cancel, "secondary")),
  ], errors);
}

/** Leaving a kept form (Cancel): its draft is deleted, then the client is shown. */
function cancelKept(kept: KeptDraft, id: number): () => void {
  return () => void kept.done().then(() => clientScreen(id));
}

function consentForm(rec: ClientView, purposes: PurposeOption[], restore?: Record<string, unknown>) {
  const init = initialState(FORMS.consent);
  const { recipient, purpose } = recipientAndPurpose("Who is it for?", purposes, "consent-purpose", true, init.recipient);
  const state = radios("What did they decide?", "state", CONSENT_STATES, init.state);
  const method = radios("How was it given?", "method", CONSENT_METHODS, init.method);
  const reason = h("textarea", { rows: "2" }) as HTMLTextAreaElement;
  const review = dateInput({ label: "Review on", future: true, today: todayIso(), path: "review_on", hint: "Leave empty: a consent given is reviewed after 3 months. For example, 12 4 2027" });
  const reasonField = at("reason", field("Reason", reason, "Required when consent was not sought."));
  const reviewField = review.el;
  const errors = h("div", {});
  const form = h("div", { id: "consent-form" }, recipient.el, purpose.el, state.el, method.el, reasonField, reviewField);
  const kept = keepForm("consent", rec.id, form, restore);
  const page = signingForm(rec, "Record consent", errors, form, () => next(), cancelKept(kept, rec.id));
  const next = () => {
    const gaps = problems<HTMLElement>([
      [!!recipient.value(), recipient.el, "Choose who it is for."],
      [purpose.value() !== null, purpose.el, "Choose the purpose (or “Any purpose”), or write the other purpose in words."],
      [!!state.value(), state.el, "Choose what they decided."],
      [!!method.value(), method.el, "Choose how it was given."],
      [state.value() !== "not_sought" || !!reason.value.trim(), reasonField, "Write why consent was not sought."],
    ]);
    const reviewProblem = review.problem();
    if (reviewProblem) gaps.push(reviewProblem);
    if (showProblems(errors, form, gaps)) return;
    const answers = { recipient: recipient.value(), purpose: purpose.label(), state: state.value(), method: method.value(), reason: reason.value, review: longDate(review.value) };
    show(...checkAnswers({
      client: rec,
      title: "Check your answers before signing the consent",
      rows: consentSummary(answers, { recipient: recipient.el, purpose: purpose.el, state: state.el, method: method.el, reason: reasonField, review: reviewField }),
      note: "Signing records this consent for good: it is kept in the signed log and cannot be edited, only replaced by a newer decision.",
      change: page.change,
      cancel: cancelKept(kept, rec.id),
      confirm: async (box) => {
        try {
          await commands.record_consent({ consent: { client: rec.id, recipient: recipient.value(), state: state.value(), method: method.value(), purpose: purpose.value(), reason: reason.value || null, review_on: review.value || null } });
          await kept.done();
          await clientScreen(rec.id);
          say("Consent recorded and signed.");
        } catch (e) {
          page.refused(e, box);
        }
      },
    }));
  };
  page.render();
}

function declineForm(rec: ClientView, purposes: PurposeOption[], restore?: Record<string, unknown>) {
  const init = initialState(FORMS.decline);
  const { recipient, purpose } = recipientAndPurpose("Who asked?", purposes, "decline-purpose", false, init.recipient);
  const reason = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const reasonField = at("reason", field("Why you decided not to share", reason, "At least 10 characters. This is signed and kept."));
  const errors = h("div", {});
  const form = h("div", { id: "decline-form" }, recipient.el, purpose.el, reasonField);
  const kept = keepForm("decline", rec.id, form, restore);
  const page = signingForm(rec, "Record a decision not to share", errors, form, () => next(), cancelKept(kept, rec.id));
  const next = () => {
    const gaps = problems<HTMLElement>([
      [!!recipient.value(), recipient.el, "Choose who asked."],
      [purpose.value() !== null, purpose.el, "Choose what was asked for, or write it in words."],
      [[...reason.value.trim()].length >= 10, reasonField, "Write why you decided not to share, in at least 10 characters."],
    ]);
    if (showProblems(errors, form, gaps)) return;
    show(...checkAnswers({
      client: rec,
      title: "Check your answers before signing the decision",
      rows: declineSummary({ recipient: recipient.value(), purpose: purpose.label(), reason: reason.value }, { recipient: recipient.el, purpose: purpose.el, reason: reasonField }),
      note: "Signing records this decision for good in the signed log.",
      change: page.change,
      cancel: cancelKept(kept, rec.id),
      confirm: async (box) => {
        try {
          await commands.decline({ client: rec.id, recipient: recipient.value(), purpose: purpose.value() ?? "", reason: reason.value });
          await kept.done();
          await clientScreen(rec.id);
          say("Decision recorded and signed.");
        } catch (e) {
          page.refused(e, box);
        }
      },
    }));
  };
  page.render();
}

// ---------------------------------------------------------------- share wizard

/** What the share wizard shows before a share (api.ts). */
type Preview = SharePreview;

async function shareWizard(rec: ClientRecord, purposes: PurposeOption[], restore?: Record<string, unknown>) {
  const init = initialState(FORMS.share);
  const { recipient, purpose } = recipientAndPurpose("Who are you sharing with?", purposes, "share-purpose", false, init.recipient);
  const errors = h("div", {});
  const form = h("div", { id: "share-who-form" }, recipient.el, purpose.el);
  // A draft made on step 2 holds step 1's answers too: both are put back, step 2 shown.
  const step1 = draftContext(restore).step1;
  const onStep2 = typeof step1 === "object" && step1 !== null && !Array.isArray(step1);
  const kept = keepForm("share", rec.id, form, onStep2 ? (step1 as Record<string, unknown>) : restore);
  const next = async (step2?: Record<string, unknown>) => {
    const gaps = problems<HTMLElement>([
      [!!recipient.value(), recipient.el, "Choose who you are sharing with."],
      [purpose.value() !== null, purpose.el, "Say what the information is for: choose a purpose, or write it in words."],
    ]);
    if (showProblems(errors, form, gaps)) return;
    await shareStep2(rec, { recipient: recipient.value(), purpose: purpose.value() ?? "", purposeLabel: purpose.label() }, page.change, { recipient: recipient.el, purpose: purpose.el }, kept, step2);
  };
  const page = signingForm(rec, "Share: who and why", errors, form, () => void next(), cancelKept(kept, rec.id));
  page.render();
  if (onStep2) await next(restore);
}

/** Step 2 of a share: what leaves, the answers a signed share needs (nothing chosen for the
 *  worker: not the lawful basis, not whether the person was told), then check your answers.
 *  `back` returns to step 1 with its answers kept (a new recipient or purpose means a new
 *  preview, so step 2 starts again from there). */
async function shareStep2(rec: ClientRecord, who: { recipient: string; purpose: string; purposeLabel: string }, back: (f: HTMLElement) => void, step1: { recipient: HTMLElement; purpose: HTMLElement }, keptStep1: KeptForm, restore?: Record<string, unknown>) {
  const { recipient, purpose } = who;
  const args = { client: rec.id, recipient, purpose, emergency: false, excerpts: [] as number[] };
  let p: Preview;
  try {
    p = await commands.share_preview({ share: args });
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const init = initialState(FORMS.share);
  const basis = radios("Lawful basis", "basis", LAWFUL_BASES, "", { id: "lawful-basis" });
  const justification = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const told = radios("Was the person told?", "told", TOLD, init.told);
  at("told", told.el);
  const advice = h("input", { type: "text" }) as HTMLInputElement;
  const emergency = checkbox("Emergency: share now, a manager approves afterwards");
  const format = radios("Format", "format", [["pdf", "PDF summary"], ["json", "JSON for systems"]], "pdf");
  const excerpts = rec.notes.map((n) => ({ id: n.id, date: n.date, box: checkbox(`Note ${n.id} (${longDate(n.date)})`) }));
  const errors = h("div", {});
  // What leaves, exactly as it will leave: the fields, then the picked excerpts and every
  // masking the firewall applied. Asked of the core again whenever the excerpts change,
  // so the worker reads each excerpt as the recipient will (each ask is an audited read).
  const leaving = h("div", { id: "share-leaving" });
  let current = p;
  const drawLeaving = (q: Preview) => {
    current = q;
    // Contacts as the export shows them: the do-not-contact warnings first, then the safe
    // route with its instructions; never a "do not use: yes" line among the fields.
    leaving.replaceChildren(
      ...(q.do_not_contact.length
        ? [h("div", { class: "notice warn", id: "share-do-not-contact" },
            h("h2", {}, "Do not contact on these"),
            h("ul", { class: "list" }, ...q.do_not_contact.map((d) => h("li", {}, h("strong", {}, d.warning), d.reason ? ` Why: ${d.reason}` : ""))))]
        : []),
      ...(q.safe_contacts.length
        ? [h("h2", {}, "How to contact safely"),
            h("ul", { class: "list", id: "share-safe-contacts" }, ...q.safe_contacts.map((c, n) =>
              h("li", {}, `Safe contact ${n + 1}: ${c.value ?? "(not shared)"}${c.channel ? ` (${c.channel})` : ""}`,
                h("ul", {}, ...c.instructions.map((i) => h("li", {}, i))))))]
        : []),
      h("h2", {}, "Will be shared"),
      h("ul", { class: "list" }, ...q.will_share.filter((f) => !f.path.startsWith("contact[]")).map((f) => h("li", {}, `${f.label}: ${f.value}`))),
      ...(q.excerpts.length ? [h("h2", {}, "Note excerpts, as they will leave")] : []),
      ...q.excerpts.map((x) => h("blockquote", { class: "excerpt", "data-note": x.note_id }, h("p", { class: "caption" }, `Note ${x.note_id}`), h("p", {}, x.text))),
      h("h2", {}, "Masked by the disclosure firewall"),
      q.masked.length
        ? h("ul", { class: "list", id: "share-masked" }, ...q.masked.map((m) => h("li", {}, `${placeLabel(m.path)}: ${maskedKind(m.kind)} masked`)))
        : h("p", { id: "share-masked" }, "Nothing was masked."),
    );
  };
  drawLeaving(p);
  const picked = () => excerpts.filter((x) => x.box.input.checked).map((x) => x.id);
  for (const x of excerpts) {
    x.box.input.addEventListener("change", async () => {
      try {
        drawLeaving(await commands.share_preview({ share: { ...args, excerpts: picked() } }));
        errors.replaceChildren();
      } catch (e) {
        // A pick the firewall refuses (say, an excerpt that would be nothing but masks).
        x.box.input.checked = false;
        errors.replaceChildren(errorSummary(message(e)));
      }
    });
  }
  const basisField = at("lawful_basis", basis.el);
  const justificationField = at("justification", field("Justification", justification, "Why sharing is necessary and proportionate without consent. At least 10 characters."));
  const gateBox = p.gate.allowed
    ? h("div", { class: "notice ok" }, `Consent for ${recipientLabel(recipient)} is given and current: this share may go ahead.`)
    : h("div", { class: "notice warn" }, h("p", {}, p.gate.needs ?? ""),
        basisField,
        justificationField,
        h("h2", {}, "Manager approval"),
        h("p", {}, "Ask a manager to approve this share: they approve or reject it in their own session, and once approved you finish it from your work queue. In an emergency, share now and a manager approves afterwards."),
        emergency.el);
  // The share as the form now stands (the same words for a share and for a request).
  const asked = () => ({
    ...args,
    lawful_basis: basis.value() || null,
    justification: justification.value || null,
    told: told.value() || null,
    advice: advice.value || null,
    emergency: emergency.input.checked,
    excerpts: picked(),
  });
  const adviceField = field("Advice sought (optional)", advice);
  const form = h("div", { id: "share-form" },
    gateBox,
    p.referrer_missing
      ? h("div", { class: "notice warn", id: "referrer-missing" }, h("p", {}, `${p.referrer_missing}. Until then the referral says "Not set in Casekeep: ask the referrer" in their place.`))
      : null,
    h("h2", {}, "Will not be shared, and why"),
    h("ul", { class: "list withheld" }, ...p.withheld.map((w) => h("li", {}, `${w.label}: ${w.reason}`))),
    excerpts.length ? h("fieldset", { class: "fieldset" }, h("legend", {}, "Add note excerpts (each is shown below as it will leave)"), ...excerpts.map((x) => x.box.el)) : null,
    leaving,
    told.el,
    adviceField,
    format.el);
  // Step 2's draft replaces step 1's (one per form and client) and holds it.
  const keptStep2 = keepForm("share", rec.id, form, restore, () => ({ step1: keptStep1.snapshot() }));
  const kept = { done: () => keptStep2.done().then(() => keptStep1.done()) };
  // A share (or a request for approval) needs every answer: whether the person was told,
  // and without consent a lawful basis and a justification.
  const gaps = (request: boolean) =>
    problems<HTMLElement>([
      [p.gate.allowed || request || emergency.input.checked, emergency.el, "Without consent, tick Emergency to share now, or ask a manager to approve."],
      [p.gate.allowed || !!basis.value(), basisField, "Choose the lawful basis for sharing without consent."],
      [p.gate.allowed || [...justification.value.trim()].length >= 10, justificationField, "Write why sharing is necessary and proportionate without consent, in at least 10 characters."],
      [!!told.value(), told.el, "Say whether the person was told about the share."],
    ]);
  const consentWords = p.gate.allowed ? "Given and current" : `${consentFromGate(p.gate.needs)}: sharing without consent, on a lawful basis`;
  const review = (request: boolean) => {
    if (showProblems(errors, form, gaps(request))) return;
    const a = asked();
    const emergencyNow = !request && a.emergency;
    const rows = [
      { label: "Recipient", value: recipientLabel(recipient), change: step1.recipient, back: true },
      { label: "Purpose", value: who.purposeLabel, change: step1.purpose, back: true },
      { label: "Consent", value: consentWords },
      ...(p.gate.allowed
        ? []
        : [
            { label: "Lawful basis", value: optionLabel(LAWFUL_BASES, a.lawful_basis ?? ""), change: basisField },
            { label: "Justification", value: a.justification ?? "", change: justificationField },
            { label: request ? "Manager approval" : "Emergency", value: request ? "Asked for now; nothing leaves until a manager approves" : emergencyNow ? "Yes: shared now, a manager approves afterwards" : "No", change: request ? undefined : emergency.el },
          ]),
      { label: "Was the person told?", value: optionLabel(TOLD, a.told ?? ""), change: told.el },
      { label: "Advice sought", value: a.advice ?? "None", change: adviceField },
      { label: "What will leave", value: current.will_share.map((f) => f.label).join(", ") || "Nothing", change: undefined },
      { label: "Note excerpts", value: a.excerpts.length ? a.excerpts.map((n) => `Note ${n}`).join(", ") : "None" },
      ...(request ? [] : [{ label: "Format", value: format.value() === "json" ? "JSON for systems" : "PDF summary", change: format.el }]),
    ];
    const backTo = new Set(rows.filter((r) => r.back).map((r) => r.change));
    show(...checkAnswers({
      client: rec,
      title: request ? "Check your answers before asking for approval" : `Check your answers before sharing with ${recipientLabel(recipient)}`,
      rows: rows.map(({ label, value, change }) => ({ label, value, change })),
      note: request
        ? "Signing records the request in the signed log. Nothing leaves until a manager approves it."
        : "Signing records this disclosure for good in the signed log, then saves the file.",
      change: (f) => (backTo.has(f) ? back(f) : page.change(f)),
      cancel: cancelKept(kept, rec.id),
      confirm: async (box) => {
        try {
          if (request) {
            const id = await commands.request_share({ share: { ...a, emergency: false } });
            await kept.done();
            show(
              h("h1", {}, "Approval asked for"),
              h("div", { class: "notice ok", id: "share-requested" },
                h("p", {}, `Share request ${id} is signed and waits for a manager.`),
                h("p", {}, "Nothing has left yet. When a manager approves it, finish the share from your work queue.")),
              button("Back to the client", () => void clientScreen(rec.id)),
            );
            return;
          }
          const out = await chooseOut(recipient, format.value());
          if (out === undefined) return;
          const receipt = await commands.share({ share: { ...a, format: format.value(), out } });
          await kept.done();
          shared(receipt, "Back to the client", () => void clientScreen(rec.id));
        } catch (e) {
          page.refused(e, box);
        }
      },
    }));
  };
  const askButton = p.gate.allowed ? null : button("Ask a manager to approve", () => review(true), "secondary", { id: "ask-approval" });
  const page = formPage([
    clientCaption(rec),
    h("h1", {}, `Share with ${recipientLabel(recipient)}: what leaves`),
    errors,
    form,
    h("div", { class: "button-group" },
      button("Continue to check your answers", () => review(false), "primary", { id: "share-continue" }),
      askButton,
      button("Cancel", cancelKept(kept, rec.id), "secondary")),
  ], errors);
  page.render();
}

/** Where a file goes: the one-use token of the file chosen in the shell's save dialog,
 *  null for the fixed exports folder, undefined when the person closed the dialog. */
async function chooseOut(name: string, ext: string): Promise<string | null | undefined> {
  if (status?.fixed_export_dir) return null;
  const picked = await commands.choose_save_file({ name: `casekeep-${name}-${todayIso()}.${ext}`, ext });
  return picked ? picked.token : undefined;
}

function shared(receipt: ShareReceipt, backLabel: string, back: () => void) {
  show(
    h("h1", {}, "Shared"),
    h("div", { class: "notice ok", id: "share-receipt" },
      h("p", {}, `Disclosure record ${receipt.decision_id} is signed and kept.`),
      h("p", {}, "Saved to: ", h("code", { id: "share-file" }, receipt.file)),
      h("p", {}, `${receipt.fields_shared} ${receipt.fields_shared === 1 ? "detail" : "details"} shared, ${receipt.fields_withheld} withheld.`),
      receipt.approval === "awaiting" ? h("p", {}, h("strong", {}, "Awaiting a manager's approval.")) : null,
      technicalDetails([["Shared at", plainDateTime(new Date())], ["File fingerprint (SHA-256)", receipt.sha256]])),
    button(backLabel, back),
  );
}

// ---------------------------------------------------------------- share requests

/** The work queue's button for a share request: a manager reviews another worker's
 *  request; the worker who asked finishes an approved one. */
function requestAction(i: QueueItem): HTMLElement | null {
  const id = i.request;
  if (id === null) return null;
  if (i.kind === "share_request") return button("Review", () => void reviewRequest(i, id), "link", { "aria-label": `Review share request ${id}`, "data-request": id });
  if (i.kind === "request_approved") return button("Finish", () => finishRequest(id), "link", { "aria-label": `Finish share request ${id}`, "data-request": id });
  return null;
}

/** A manager reads the signed request (what was asked, the basis, the paths that would
 *  leave — never their values) and approves or rejects it in their own session. */
async function reviewRequest(i: QueueItem, id: number) {
  let entry: LogEntry | undefined;
  try {
    entry = (await commands.log_entries({ client: i.client_id })).find((e) => e.seq === id && e.event === "share_requested");
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  if (!entry) return show(errorSummary("That share request is no longer in the log."));
  const b = (entry.body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "—");
  const list = (k: string) => (Array.isArray(b[k]) ? (b[k] as unknown[]).map(String).join(", ") || "none" : "none");
  const reason = h("textarea", { rows: "3", id: "reject-reason" }) as HTMLTextAreaElement;
  const errors = h("div", {});
  const decided = (words: string) =>
    show(h("h1", {}, words), h("div", { class: "notice ok", id: "request-decided" }, h("p", {}, `${words}: share request ${id}, signed by you.`)), button("Back to the caseload", () => void caseload()));
  show(
    h("h1", {}, `Share request ${id}`),
    errors,
    h("dl", { class: "summary", id: "request-facts" },
      h("dt", {}, "Client"), h("dd", {}, `${i.initials ?? ""} ${i.case_reference ?? ""}`.trim()),
      h("dt", {}, "Asked by"), h("dd", {}, entry.actor ?? "—"),
      h("dt", {}, "Recipient"), h("dd", {}, `${recipientLabel(text("recipient"))}${typeof b.recipient_name === "string" ? ` (${b.recipient_name})` : ""}`),
      h("dt", {}, "Purpose"), h("dd", {}, typeof b.purpose_text === "string" ? b.purpose_text : text("purpose")),
      h("dt", {}, "Consent"), h("dd", {}, text("consent_state")),
      h("dt", {}, "Lawful basis"), h("dd", {}, text("lawful_basis")),
      h("dt", {}, "Justification"), h("dd", {}, text("justification")),
      h("dt", {}, "Person told"), h("dd", {}, text("told")),
      h("dt", {}, "Advice sought"), h("dd", {}, text("advice")),
      h("dt", {}, "Fields that would leave"), h("dd", {}, list("fields_shared")),
      h("dt", {}, "Note excerpts"), h("dd", {}, list("excerpts"))),
    h("p", {}, "If the record changes before the share is finished, it will not leave: the worker must ask again."),
    h("div", { class: "button-group" },
      button("Approve", async () => {
        try {
          await commands.approve_request({ request: id });
          decided("Approved");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "primary", { id: "approve-request" })),
    field("Reason for rejecting (at least 10 characters)", reason),
    h("div", { class: "button-group" },
      button("Reject", async () => {
        try {
          await commands.reject_request({ request: id, reason: reason.value });
          decided("Rejected");
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "secondary", { id: "reject-request" }),
      button("Cancel", () => void caseload(), "secondary")),
  );
}

/** The worker who asked finishes an approved request: the core rebuilds what leaves now and
 *  refuses if it is not what the manager approved. */
function finishRequest(id: number) {
  const format = radios("Format", "format", [["pdf", "PDF summary"], ["json", "JSON for systems"]], "pdf");
  const errors = h("div", {});
  show(
    h("h1", {}, `Finish share request ${id}`),
    errors,
    h("p", {}, "A manager approved this share. It leaves exactly as approved, or not at all if the record changed since."),
    format.el,
    h("div", { class: "button-group" },
      button("Share and save the file", async () => {
        try {
          const out = await chooseOut(`request-${id}`, format.value());
          if (out === undefined) return;
          shared(await commands.finish_request({ finish: { request: id, format: format.value(), out } }), "Back to the caseload", () => void caseload());
        } catch (e) {
          errors.replaceChildren(errorSummary(message(e)));
        }
      }, "primary", { id: "finish-request" }),
      button("Cancel", () => void caseload(), "secondary")),
  );
}

// ---------------------------------------------------------------- log and settings

// ---------------------------------------------------------------- enquiries

const channelLabel = (c: string) => CHANNELS.find(([v]) => v === c)?.[1] ?? c;

/** The enquiry form: the script first; plain fields that never look up or suggest a
 *  client (no search, no autocomplete). The client is linked afterwards, on purpose. */
async function enquiryForm(restore?: Record<string, unknown>) {
  let script: string;
  try {
    script = await commands.enquiry_script();
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const inp = () => h("input", { type: "text", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
  const area = () => h("textarea", { rows: "3", autocomplete: "off" }) as HTMLTextAreaElement;
  const channel = radios("How did they get in touch?", "enquiry-channel", CHANNELS, initialState(FORMS.enquiry).channel);
  const caller = inp();
  const org = inp();
  const callback = inp();
  const asked = area();
  const response = area();
  const verified = checkbox("Their identity was verified (for example by calling their organisation's switchboard back)");
  const atDate = dateInput({ label: "When: the date", past: "today", today: todayIso(), hint: "Leave the date and time empty for now. For example, 12 4 2027" });
  const atTime = h("input", { type: "text", inputmode: "numeric", autocomplete: "off", spellcheck: "false", class: "width-5" }) as HTMLInputElement;
  const atTimeField = field("When: the time", atTime, "24-hour clock, for example 14:30");
  const when = { get value() { const t = readTime(atTime.value); return atDate.value && t ? `${atDate.value}T${t}` : ""; } };
  const errors = h("div", {});
  caller.id = "enquiry-caller";
  asked.id = "enquiry-asked";
  response.id = "enquiry-response";
  const callerField = at("caller_name", field("Who they said they were", caller, "Write “unknown” if they would not say."));
  const orgField = at("claimed_organisation", field("The organisation they said they were calling for", org, "Leave empty for a private caller."));
  const callbackField = at("callback", field("The call-back number, e-mail or address they gave", callback, "Leave empty if they gave none."));
  const askedField = at("asked", field("What they asked", asked));
  const responseField = at("response", field("What you told them", response));
  const atField = at("at", h("div", { class: "date-time" }, atDate.el, atTimeField));
  const form = h("div", { id: "enquiry-form" }, channel.el, callerField, orgField, callbackField, askedField, responseField, verified.el, atField);
  const kept = keepForm("enquiry", null, form, restore);
  const leave = () => void kept.done().then(() => caseload());
  const page = formPage([
    h("h1", {}, "Record an enquiry"),
    h("section", { class: "notice", id: "enquiry-script", "aria-labelledby": "script-heading" }, h("h2", { id: "script-heading" }, "Say this first"), h("p", { class: "script-text" }, script)),
    h("p", { class: "hint" }, "Do not look anyone up while they are on the line. Write what they asked without the client's name (“asked whether a named woman is staying with us”). Link the enquiry to the client afterwards."),
    errors,
    form,
    h("div", { class: "button-group" }, button("Continue", () => review()), button("Cancel", leave, "secondary")),
  ], errors);
  const review = () => {
    const gaps = problems<HTMLElement>([
      [!!channel.value(), channel.el, "Choose how they got in touch."],
      [!!caller.value.trim(), callerField, "Write who they said they were (or “unknown”)."],
      [!!asked.value.trim(), askedField, "Write what they asked."],
      [!!response.value.trim(), responseField, "Write what you told them."],
    ]);
    const dateGiven = [atDate.day, atDate.month, atDate.year].some((b) => b.value.trim());
    const d = atDate.problem();
    if (d) gaps.push(d);
    else if (dateGiven !== !!atTime.value.trim()) gaps.push(dateGiven ? { field: atTimeField, message: "Enter the time of the enquiry, like 14:30" } : { field: atDate.el, message: "Enter the date of the enquiry", target: atDate.day, invalid: [atDate.day, atDate.month, atDate.year] });
    else if (atTime.value.trim() && !readTime(atTime.value)) gaps.push({ field: atTimeField, message: "Enter the time as hours and minutes on the 24-hour clock, like 14:30" });
    if (showProblems(errors, form, gaps)) return;
    const enquiry: Record<string, unknown> = {
      channel: channel.value(),
      caller_name: caller.value,
      claimed_organisation: org.value.trim() ? org.value : null,
      callback: callback.value.trim() ? callback.value : null,
      asked: asked.value,
      response: response.value,
      verified: verified.input.checked,
    };
    if (when.value) enquiry.at = when.value;
    show(...checkAnswers({
      title: "Check your answers before signing the enquiry",
      rows: enquirySummary(
        { channel: channel.value(), caller: caller.value, organisation: org.value, callback: callback.value, asked: asked.value, response: response.value, verified: verified.input.checked, at: when.value },
        { channel: channel.el, caller: callerField, organisation: orgField, callback: callbackField, asked: askedField, response: responseField, verified: verified.el, at: atField },
      ),
      note: "Signing records the enquiry for good in the signed log.",
      change: page.change,
      cancel: leave,
      confirm: async (box) => {
        try {
          const id = await commands.record_enquiry({ enquiry });
          await kept.done();
          enquiryRecorded(id);
        } catch (e) {
          page.refused(e, box);
        }
      },
    }));
  };
  page.render();
}

function enquiryRecorded(id: number) {
  show(
    h("h1", {}, `Enquiry ${id} recorded`),
    h("div", { class: "notice ok", id: "enquiry-recorded" }, `Enquiry ${id} is recorded and signed.`),
    h("p", {}, "When the call is over, link it to the client it was about, whether or not the caller was verified. Linking tells the caller nothing; it lets Casekeep notice the same caller asking about several clients, or again and again about one."),
    h("div", { class: "button-group" },
      button("Link it to a client now", () => void linkForm(id)),
      button("Later", () => void enquiriesScreen(null), "secondary")),
  );
}

/** The deliberate step: choose the client an enquiry was about (case reference and
 *  initials only; choosing shows no name and records no read). */
async function linkForm(id: number) {
  let clients: ClientSummary[];
  try {
    clients = await commands.list_clients({ search: null, names: false });
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  // A list box (in the page, no pop-up): nothing is chosen at first.
  const pick = listBox(clients.map((c): [string, string] => [String(c.id), `${c.case_reference} · ${c.initials}`]));
  pick.id = "link-client";
  const errors = h("div", {});
  const pickField = field("The client it was about", pick, "An enquiry is linked once. This is signed and kept.");
  const form = h("div", { id: "link-form" }, pickField);
  const page = formPage([
    h("h1", {}, `Link enquiry ${id} to a client`),
    errors,
    form,
    h("div", { class: "button-group" },
      button("Continue", () => {
        if (showProblems(errors, form, problems<HTMLElement>([[!!pick.value, pickField, "Choose the client the enquiry was about."]]))) return;
        const client = clients.find((c) => String(c.id) === pick.value);
        if (!client) return;
        show(...checkAnswers({
          client,
          title: `Check your answers before linking enquiry ${id}`,
          rows: [
            { label: "Enquiry", value: `Enquiry ${id}` },
            { label: "The client it was about", value: `${client.case_reference} · ${client.initials}`, change: pickField },
          ],
          note: "Signing links the enquiry for good: an enquiry is linked once.",
          change: page.change,
          cancel: () => void enquiriesScreen(null),
          confirm: async (box) => {
            try {
              await commands.link_enquiry({ enquiry: id, client: client.id });
              await enquiriesScreen(null);
              say(`Enquiry ${id} linked and signed.`);
            } catch (e) {
              page.refused(e, box);
            }
          },
        }));
      }),
      button("Cancel", () => void enquiriesScreen(null), "secondary")),
  ], errors);
  page.render();
}

/** The enquiries (all, or those linked to one client), newest first. */
async function enquiriesScreen(client: number | null) {
  let list: Enquiry[];
  try {
    list = await commands.list_enquiries({ client });
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const row = (e: Enquiry) =>
    h(
      "tr",
      {},
      h("td", {}, String(e.id), e.alert ? h("span", { class: "tag enquiry-alert" }, " ALERT") : ""),
      h("td", {}, `${shortDate(e.at.slice(0, 10))} ${e.at.slice(11, 16)}`),
      h("td", {}, channelLabel(e.channel)),
      h("td", {}, e.caller_name, e.claimed_organisation ? ` (${e.claimed_organisation})` : "", e.callback ? h("div", { class: "hint" }, e.callback) : ""),
      h("td", {}, e.asked, h("div", { class: "hint" }, `Told: ${e.response}`)),
      h("td", {}, e.verified ? "Yes" : "No"),
      h("td", {}, e.case_reference ?? (e.client_id !== null ? `#${e.client_id}` : button("Link to a client…", () => void linkForm(e.id), "link", { "aria-label": `Link enquiry ${e.id} to a client` }))),
    );
  const [body, more] = paged(list, row, "enquiries");
  show(
    h("h1", {}, client === null ? `Enquiries (${list.length})` : `Enquiries about this client (${list.length})`),
    h("div", { class: "button-group" }, button("Record an enquiry", () => void enquiryForm()), client !== null ? button("Back to the client", () => void clientScreen(client), "secondary") : null),
    list.length
      ? h(
          "table",
          { class: "table", id: "enquiries" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "How"), h("th", { scope: "col" }, "Who"), h("th", { scope: "col" }, "Asked"), h("th", { scope: "col" }, "Verified"), h("th", { scope: "col" }, "Client"))),
          body,
        )
      : h("p", {}, "No enquiries."),
    more,
  );
}

async function logScreen() {
  await decisionsScreen(nav);
}

async function settings() {
  // The vault's idle time (a manager's signed setting) is the longest anyone may choose.
  const vaultIdle = (await commands.risk_form().catch(() => null))?.settings.lock.idle_minutes ?? 5;
  const idle = radios("Lock after this long without use", "idle-minutes", idleChoices(vaultIdle), String(status?.idle_minutes ?? vaultIdle), { id: "idle-minutes", inline: true });
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
    ...(status?.role === "manager" ? vaultIdleSetting(vaultIdle, errors) : []),
    h("h2", {}, "Display"),
    button(document.body.classList.contains("high-contrast") ? "Use the standard theme" : "Use the high-contrast theme", () => {
      const on = document.body.classList.toggle("high-contrast");
      try {
        localStorage.setItem("casekeep-theme", on ? "high-contrast" : "standard");
      } catch {
        /* no storage */
      }
      void settings();
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
  parts.push(...(await agencySection(nav, status?.role === "manager", say)));
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
    const manager = status?.role === "manager";
    if (!manager) Object.values(inputs).forEach((i) => (i.readOnly = true));
    // The vault's setting as it stands is chosen (a manager's setting; others see it greyed).
    const checklist = radios("What a MARAC referral carries of the risk checklist", "marac-checklist", [["none", "The score, level and criteria only"], ["indicators", "Also name the indicators answered yes"], ["full", "Also name the indicators and attach all 24 answers"]], st.marac?.checklist ?? "indicators", {
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
  if (status?.role === "manager") {
    const users = await commands.list_users().catch(() => []);
    const uname = h("input", { type: "text", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
    const upass = h("input", { type: "password", autocomplete: "new-password" }) as HTMLInputElement;
    const role = radios("Role", "role", [["caseworker", "Caseworker"], ["manager", "Manager"]], "caseworker");
    const removal = h("div", { id: "remove-user", "aria-live": "polite" });
    parts.push(
      h("h2", {}, "Users"),
      h("ul", { class: "list", id: "user-list" }, ...users.map((u) => h("li", {}, `${u.name} (${u.role}) `,
        u.name === status?.user ? h("span", { class: "hint" }, "(you)") : button(`Remove ${u.name}`, () => confirmRemoval(u.name, removal, errors), "secondary")))),
      removal,
      field("New user's name", uname),
      field("Their first passphrase", upass, "They should change it when they first unlock."),
      role.el,
      button("Add user", async () => {
        try {
          await commands.add_user({ name: uname.value, role: role.value() === "manager" ? "manager" : "caseworker", passphrase: upass.value });
          upass.value = "";
          await settings();
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
                  recoveryScreen(made.recovery_key);
                } catch (e) {
                  errors.replaceChildren(errorSummary(message(e)));
                }
              }, "warning"),
              button("Keep the current key", () => void settings(), "secondary")),
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
        await settings();
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
          await settings();
          say(`${name} was removed.`);
          const after = document.getElementById("remove-user");
          const notice = h("p", { class: "notice", id: "removed-user", tabindex: "-1" },
            `${name} was removed and the vault key was replaced. Backups made before now still open with ${name}'s old passphrase: make a fresh backup now, then delete the old backup files.`);
          after?.replaceChildren(notice, button("Make a fresh backup now", () => document.getElementById("make-backup")?.click(), "secondary"));
          notice.scrollIntoView({ block: "center" });
          notice.focus();
        } catch (e) {
          resume();
          await settings();
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

// ---------------------------------------------------------------- wiring

// Keys, clicks, scrolling, the wheel, pointer movement and touch all count as use (idle.ts).
startIdleWatch({ unlocked: () => !!status?.unlocked, lockNow: () => void lockNow("Locked."), warned: () => void flushDrafts() });

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey && e.shiftKey && (e.key === "L" || e.key === "l")) {
    e.preventDefault();
    void lockNow("Locked (quick exit).");
  }
});
installZoom(say);
keepFocusClear();

// The shell locks by itself (idle, sleep, screen lock, session switch: src-tauri/src/lockwatch)
// and sends `locked` with what to say; the page clears itself at once.
async function lockedByShell(reason: string) {
  if (status?.unlocked) {
    const open = main.dataset.client ? Number(main.dataset.client) : null;
    lastPlace = open && status.user ? { user: status.user, client: open } : null;
    wipe();
    try {
      status = await commands.app_status();
    } catch {
      status = null;
    }
    renderTopbar();
    unlockScreen(false);
  }
  say(reason);
}
void listen<string>("locked", (e) => void lockedByShell(typeof e.payload === "string" ? e.payload : "Locked.")).catch(() => undefined);

// And, should an event be missed, the status poll notices the lock and clears the page too.
window.setInterval(async () => {
  try {
    const s = await commands.app_status();
    if (status?.unlocked && !s.unlocked) {
      wipe();
      status = s;
      renderTopbar();
      unlockScreen(false);
      say("Locked.");
    }
  } catch {
    /* ignore */
  }
}, 2000);

try {
  if (localStorage.getItem("casekeep-theme") === "high-contrast") document.body.classList.add("high-contrast");
} catch {
  /* no storage */
}
void refresh();
