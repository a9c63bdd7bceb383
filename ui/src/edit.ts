// Editing every field of the catalogue: the client's details, safe contacts, children
// and the person causing harm. The result is one patch, saved in one transaction.
import type { ClientDetails } from "./api";
import { button, checkbox, field, h, nextId, radios } from "./dom";
import { dateInput } from "./dateinput";
import type { DateRules } from "./dateinput";
import type { Problem } from "./errors";
import { problems, showProblems } from "./forms";
import { SafeWindowLike, WEEK, displayPhone, todayIso, windowsToSend } from "./logic";

type Kind = "text" | "textarea" | "date" | "bool" | "tri";
type Spec = [key: string, label: string, kind: Kind, hint?: string];

export const CLIENT_FIELDS: Spec[] = [
  ["full_name", "Full name", "text"],
  ["preferred_name", "Preferred name", "text"],
  ["date_of_birth", "Date of birth", "date"],
  ["gender", "Gender", "text"],
  ["pronouns", "Pronouns", "text"],
  ["case_reference", "Case reference", "text"],
  ["address", "Address", "textarea"],
  ["postcode", "Postcode", "text", "For example DE1 1AA"],
  ["address_is_refuge", "This address is a refuge (it will never be shared)", "bool"],
  ["ethnicity", "Ethnicity", "text"],
  ["disabilities", "Disabilities", "textarea"],
  ["health_notes", "Health notes", "textarea"],
  ["pregnant", "Pregnant", "tri"],
  ["immigration_status", "Immigration status", "text"],
  ["no_recourse_to_public_funds", "No recourse to public funds", "tri"],
  ["agencies_involved", "Agencies involved", "textarea"],
];

/** A safe contact's fields. Whether a number must not be used is not a field here: those
 *  numbers are edited in their own section ([`DO_NOT_USE_FIELDS`]), and one becomes usable
 *  only through a confirmation with a reason. */
export const CONTACT_FIELDS: Spec[] = [
  ["value", "Number or address", "text"],
  ["safe_times", "When it is safe", "text"],
  ["voicemail_ok", "Is a voicemail safe?", "tri"],
  ["may_identify_agency", "May we say who we are?", "tri"],
  ["code_word", "Code word", "text"],
  ["last_confirmed", "Last confirmed", "date"],
  ["review_due", "Review due", "date"],
  ["notes", "Notes", "text"],
];

/** A do-not-use number's fields. */
export const DO_NOT_USE_FIELDS: Spec[] = [
  ["value", "Number or address that must NOT be used", "text"],
  ["notes", "Why it must not be used", "text", "For example: his phone, or a shared landline"],
];

/** What a do-not-use contact keeps of its stored arrangement while it is edited as such
 *  (not shown, not lost). */
const KEPT_WHILE_BARRED = ["safe_times", "safe_windows", "voicemail_ok", "may_identify_agency", "last_confirmed", "review_due"];

export const LIFT_REASON_MIN = 10;

export const CHILD_FIELDS: Spec[] = [
  ["full_name", "Full name", "text"],
  ["date_of_birth", "Date of birth", "date"],
  ["school", "School", "text"],
  ["lives_with_client", "Lives with the client", "tri"],
  ["protection_plan", "Child protection plan", "tri"],
];

export const PERPETRATOR_FIELDS: Spec[] = [
  ["full_name", "Full name", "text"],
  ["date_of_birth", "Date of birth", "date"],
  ["address", "Address", "textarea"],
  ["relationship", "Relationship", "text"],
  ["police_reference", "Police reference", "text"],
  ["orders", "Orders (injunctions, bail conditions)", "textarea"],
];

const CHANNELS: Array<[string, string]> = [
  ["phone", "Phone"],
  ["sms", "Text message"],
  ["email", "E-mail"],
  ["post", "Post"],
  ["in_person", "In person"],
  ["other", "Other"],
];

/** The rule of each date the form edits (the core's: a date of birth and a confirmation
 *  are not after today). */
const DATE_RULES: Record<string, Pick<DateRules, "past">> = { date_of_birth: { past: "strict" }, last_confirmed: { past: "today" } };

/** One group of inputs for `specs`, filled from `values`; `read()` gives the object back,
 *  `problems(prefix)` the dates that do not make a date, and `tag(prefix)` names each field
 *  by the path the core reports it by (`contacts[0].value`), so that a refusal is shown there.
 *  `hints` replaces a spec's hint for this group. */
function group(specs: Spec[], values: Record<string, unknown>, hints: Record<string, string> = {}): { nodes: HTMLElement[]; read: () => Record<string, unknown>; problems: (prefix: string) => Problem[]; tag: (prefix: string) => void } {
  const readers: Array<() => [string, unknown]> = [];
  const checks: Array<(prefix: string) => Problem | null> = [];
  const keyed: Array<[string, HTMLElement]> = [];
  const nodes = specs.map(([key, label, kind, specHint]) => {
    const hint = hints[key] ?? specHint;
    const v = values[key];
    if (kind === "date") {
      const d = dateInput({ label, value: typeof v === "string" ? v : "", today: todayIso(), ...DATE_RULES[key], hint: hint ?? undefined });
      readers.push(() => [key, d.value === "" ? null : d.value]);
      checks.push((prefix) => {
        const p = d.problem();
        return p && { ...p, message: prefix + p.message };
      });
      keyed.push([key, d.el]);
      return d.el;
    }
    if (kind === "bool") {
      const c = checkbox(label, v === true);
      readers.push(() => [key, c.input.checked]);
      keyed.push([key, c.el]);
      return c.el;
    }
    if (kind === "tri") {
      // The stored answer is chosen ("Not recorded" when there is none).
      const r = radios(label, nextId("tri"), [["", "Not recorded"], ["yes", "Yes"], ["no", "No"]], v === true ? "yes" : v === false ? "no" : "", { hint: hint ?? undefined, inline: true });
      readers.push(() => [key, r.value() === "" ? null : r.value() === "yes"]);
      keyed.push([key, r.el]);
      return r.el;
    }
    const input =
      kind === "textarea"
        ? (h("textarea", { rows: "2", id: nextId("t") }) as HTMLTextAreaElement)
        : (h("input", { type: "text", id: nextId("i"), autocomplete: "off", spellcheck: "false" }) as HTMLInputElement);
    input.value = typeof v === "string" ? v : "";
    readers.push(() => [key, input.value.trim() === "" ? null : input.value]);
    const f = field(label, input, hint);
    // A code word is never kept in a draft (formdraft.ts).
    if (key === "code_word") f.dataset.noDraft = "";
    keyed.push([key, f]);
    return f;
  });
  return {
    nodes,
    read: () => Object.fromEntries(readers.map((r) => r())),
    problems: (prefix) => checks.map((c) => c(prefix)).filter((p): p is Problem => p !== null),
    tag: (prefix) => {
      for (const [key, el] of keyed) el.dataset.path = prefix + key;
    },
  };
}

function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
}

/** The safe windows of one contact, edited as such: for each window, its days and its
 *  times (local, HH:MM; 24:00 is the end of the day). `edited()` says whether anything was
 *  touched, so that untouched windows can be read again from changed words. */
function windowsEditor(initial: SafeWindowLike[]): { el: HTMLElement; read: () => SafeWindowLike[]; edited: () => boolean } {
  let touched = false;
  const rows: Array<{ el: HTMLElement; read: () => SafeWindowLike }> = [];
  const box = h("div", { class: "windows" });
  const addRow = (w: SafeWindowLike) => {
    const days = WEEK.map(([d, label]) => ({ d, c: checkbox(label, w.days.includes(d)) }));
    const time = (label: string) => h("input", { type: "text", inputmode: "numeric", placeholder: "HH:MM", size: "5", autocomplete: "off", "aria-label": label }) as HTMLInputElement;
    const from = time("From (HH:MM)");
    const to = time("To (HH:MM)");
    from.value = w.from;
    to.value = w.to;
    const el = h("div", { class: "window-row" }, h("div", { class: "days" }, ...days.map((x) => x.c.el)), h("label", {}, "From ", from), h("label", {}, " to ", to));
    const row = { el, read: () => ({ days: days.filter((x) => x.c.input.checked).map((x) => x.d), from: from.value.trim(), to: to.value.trim() }) };
    el.append(button("Remove this window", () => {
      touched = true;
      rows.splice(rows.indexOf(row), 1);
      el.remove();
    }, "secondary"));
    rows.push(row);
    box.append(el);
  };
  initial.forEach(addRow);
  const el = h(
    "fieldset",
    { class: "fieldset windows-editor" },
    h("legend", {}, "Safe windows (local time)"),
    h("p", { class: "hint" }, "Read from \"When it is safe\" when saved. Change them here to say exactly when; leave them as they are to have them read again from changed words. With no window, copying the number asks for a reason."),
    box,
    button("Add a window", () => {
      touched = true;
      addRow({ days: [], from: "", to: "" });
    }, "secondary"),
  );
  box.addEventListener("input", () => (touched = true));
  box.addEventListener("change", () => (touched = true));
  return { el, read: () => rows.map((r) => r.read()), edited: () => touched };
}

/** A contact's values as the form shows them: a UK number as people read it ("07700
 *  900123", not "+447700900123"); the core reads either and stores E.164. */
function asShown(c: Record<string, unknown>): Record<string, unknown> {
  const phone = c.channel === "phone" || c.channel === "sms";
  return phone && typeof c.value === "string" && c.value.startsWith("+") ? { ...c, value: displayPhone(c.value) } : c;
}

/** Asks "Remove this …?" in place before `remove` runs. */
function confirmRemove(fs: HTMLElement, what: string, remove: () => void): HTMLElement {
  const box = h("div", { class: "confirm-remove" });
  const ask = () => {
    const titleId = nextId("rm");
    box.replaceChildren(
      h(
        "div",
        { class: "ack", role: "alertdialog", "aria-labelledby": titleId },
        h("p", { id: titleId }, h("strong", {}, `Remove this ${what}? `), "It goes from the record when you save the changes (the log keeps what was done, never the number)."),
        h("div", { class: "button-group" }, button("Yes, remove it", remove, "warning"), button("No, keep it", () => box.replaceChildren(), "secondary")),
      ),
    );
    (box.querySelector("button") as HTMLButtonElement | null)?.focus();
  };
  fs.append(button(`Remove this ${what}`, ask, "secondary"), box);
  return box;
}

/** The whole edit form; `onSave` gets the patch and, when a do-not-use number was made
 *  usable, the reason the worker gave for it. Dates that do not make a date are shown in
 *  `errors` (the screen's error summary) and nothing is sent. */
export function editForm(rec: ClientDetails, onSave: (patch: Record<string, unknown>, liftReason?: string) => void, onCancel: () => void, errors?: HTMLElement): HTMLElement[] {
  const details = group(CLIENT_FIELDS, rec);
  const safeBox = h("div", { id: "safe-contacts" });
  const barredBox = h("div", { id: "do-not-use-contacts" });
  // Every contact in the record's order (new ones at the end), whichever section shows it.
  type Entry = { el: HTMLElement; read: () => Record<string, unknown>; barred: boolean; g: ReturnType<typeof group> };
  const entries: Entry[] = [];
  const liftReasons: string[] = [];
  const renumber = () => {
    let safe = 0;
    let barred = 0;
    for (const e of entries) {
      const legend = e.el.querySelector(":scope > legend");
      if (legend) legend.textContent = e.barred ? `Do-not-use number ${++barred}` : `Safe contact ${++safe}`;
    }
  };
  const place = (entry: Entry, at?: Entry) => {
    if (at) {
      entries.splice(entries.indexOf(at), 1, entry);
      at.el.replaceWith(entry.el);
      if (entry.barred) barredBox.append(entry.el);
      else safeBox.append(entry.el);
    } else {
      entries.push(entry);
      (entry.barred ? barredBox : safeBox).append(entry.el);
    }
    renumber();
  };
  const removeEntry = (entry: Entry) => {
    entries.splice(entries.indexOf(entry), 1);
    entry.el.remove();
    renumber();
  };
  // `stored`: the contact's number in the stored record (from 1), null for a new one. The
  // page never holds a code word: an empty code word input keeps the stored one (the patch
  // says `keep_code_word_of`), unless "Remove the code word" is ticked.
  const safeContact = (c: Record<string, unknown>, stored: number | null, at?: Entry) => {
    const hasWord = stored !== null && c.code_word_set === true;
    const g = group(CONTACT_FIELDS, asShown(c), hasWord ? { code_word: "A code word is set (not shown here). Leave this empty to keep it, or type a new one to replace it." } : {});
    const removeWord = hasWord ? checkbox("Remove the code word") : null;
    const channel = radios("Channel", nextId("channel"), CHANNELS, String(c.channel ?? "phone"), { inline: true });
    const storedWindows = Array.isArray(c.safe_windows) ? (c.safe_windows as SafeWindowLike[]) : undefined;
    const storedWords = typeof c.safe_times === "string" ? c.safe_times.trim() : "";
    const windows = windowsEditor(storedWindows ?? []);
    const fs = h("fieldset", { class: "fieldset item" }, h("legend", {}, "Safe contact"), channel.el, ...g.nodes, windows.el, ...(removeWord ? [removeWord.el] : []));
    const read = () => {
      const v = withoutNulls(g.read());
      const words = typeof v.safe_times === "string" ? v.safe_times.trim() : "";
      const send = windowsToSend(storedWindows, windows.edited() ? windows.read() : null, words !== storedWords);
      if (send !== undefined) v.safe_windows = send;
      if (hasWord && v.code_word === undefined && !removeWord?.input.checked) v.keep_code_word_of = stored;
      return { channel: channel.value(), ...v, do_not_use: false };
    };
    const entry: Entry = { el: fs, read, barred: false, g };
    fs.append(button("Mark this number do not use", () => place(barredContact({ ...c, ...read(), code_word_set: hasWord && !removeWord?.input.checked }, stored, entry), entry), "secondary"));
    confirmRemove(fs, "contact", () => removeEntry(entry));
    place(entry, at);
  };
  const barredContact = (c: Record<string, unknown>, stored: number | null, at?: Entry): Entry => {
    const g = group(DO_NOT_USE_FIELDS, asShown(c));
    const channel = radios("Channel", nextId("channel"), CHANNELS, String(c.channel ?? "phone"), { inline: true });
    const fs = h("fieldset", { class: "fieldset item do-not-use" }, h("legend", {}, "Do-not-use number"), channel.el, ...g.nodes);
    const kept = Object.fromEntries(KEPT_WHILE_BARRED.filter((k) => c[k] !== undefined && c[k] !== null).map((k) => [k, c[k]]));
    const keepWord = stored !== null && c.code_word_set === true;
    const read = () => ({ ...kept, ...(keepWord ? { keep_code_word_of: stored } : {}), channel: channel.value(), ...withoutNulls(g.read()), do_not_use: true });
    const entry: Entry = { el: fs, read, barred: true, g };
    const liftBox = h("div", { class: "lift" });
    const askLift = () => {
      const reason = h("textarea", { rows: "2", id: nextId("lift"), maxlength: "500" }) as HTMLTextAreaElement;
      const reasonField = field(`Why is it safe to use now? (at least ${LIFT_REASON_MIN} characters)`, reason, "Recorded in the audit trail. Do not write the number here.");
      const errors = h("div", {});
      const titleId = nextId("lift-title");
      const go = () => {
        const gaps = problems<HTMLElement>([[reason.value.trim().length >= LIFT_REASON_MIN, reasonField, `Say why it is safe to use now, in at least ${LIFT_REASON_MIN} characters.`]]);
        if (showProblems(errors, liftBox, gaps)) return;
        liftReasons.push(reason.value.trim());
        const v = read();
        safeContact({ ...c, ...v, do_not_use: false, code_word_set: keepWord }, stored, entry);
      };
      liftBox.replaceChildren(
        h(
          "div",
          { class: "ack", role: "alertdialog", "aria-labelledby": titleId },
          h("h3", { id: titleId }, "Make this number usable?"),
          h("p", {}, "It was marked do not use: the person causing harm may have it or see it. Make it usable only if you have checked with the client that this has changed. It will show on the card as a safe number, with a Copy button."),
          errors,
          reasonField,
          h("div", { class: "button-group" }, button("Yes, make it usable", go, "warning"), button("No, keep it do not use", () => liftBox.replaceChildren(), "secondary")),
        ),
      );
      reason.focus();
    };
    fs.append(button("This number is now safe to use…", askLift, "secondary"), liftBox);
    confirmRemove(fs, "do-not-use number", () => removeEntry(entry));
    place(entry, at);
    return entry;
  };
  rec.contacts.forEach((c, i) => {
    const v = c as unknown as Record<string, unknown>;
    if (v.do_not_use === true) barredContact(v, i + 1);
    else safeContact(v, i + 1);
  });

  const childrenBox = h("div", {});
  const childReaders: Array<{ el: HTMLElement; read: () => Record<string, unknown>; g: ReturnType<typeof group> }> = [];
  const addChild = (c: Record<string, unknown>) => {
    const g = group(CHILD_FIELDS, c);
    const fs = h("fieldset", { class: "fieldset item" }, h("legend", {}, `Child ${childReaders.length + 1}`), ...g.nodes);
    const entry = { el: fs, read: () => withoutNulls(g.read()), g };
    fs.append(button("Remove this child", () => {
      childReaders.splice(childReaders.indexOf(entry), 1);
      fs.remove();
    }, "secondary"));
    childReaders.push(entry);
    childrenBox.append(fs);
  };
  rec.children.forEach((c) => addChild(c as unknown as Record<string, unknown>));

  const perp = group(PERPETRATOR_FIELDS, (rec.perpetrator ?? {}) as Record<string, unknown>);

  const save = () => {
    // Each field named by the path the core reports it by, as the lists now stand (the
    // contacts in the record's order, whichever section shows them).
    details.tag("");
    entries.forEach((r, i) => {
      r.g.tag(`contacts[${i}].`);
      r.el.dataset.path = `contacts[${i}]`;
      const w = r.el.querySelector<HTMLElement>(".windows-editor");
      if (w) w.dataset.path = `contacts[${i}].safe_windows`;
    });
    childReaders.forEach((r, i) => r.g.tag(`children[${i}].`));
    perp.tag("perpetrator.");
    const gaps: Problem[] = [
      ...details.problems(""),
      ...entries.flatMap((r) => r.g.problems(`${r.el.querySelector(":scope > legend")?.textContent ?? "Contact"}: `)),
      ...childReaders.flatMap((r, i) => r.g.problems(`Child ${i + 1}: `)),
      ...perp.problems("Person causing harm: "),
    ];
    if (errors && showProblems(errors, errors.parentElement ?? document, gaps)) return;
    const p = withoutNulls(perp.read());
    onSave({
      ...details.read(),
      contacts: entries.map((r) => r.read()),
      children: childReaders.map((r) => r.read()),
      perpetrator: Object.keys(p).length ? p : null,
    }, liftReasons.length ? liftReasons.join("; ") : undefined);
  };
  return [
    h("h2", {}, "About them"),
    ...details.nodes,
    h("h2", {}, "How to contact them safely"),
    safeBox,
    button("Add a safe contact", () => safeContact({ channel: "phone" }, null), "secondary"),
    h("h2", {}, "Numbers that must NOT be used"),
    h("p", { class: "hint" }, "The person causing harm may have these or see them. They are never shown as a safe contact; making one usable asks you why."),
    barredBox,
    button("Add a do-not-use number", () => barredContact({ channel: "phone" }, null), "secondary"),
    h("h2", {}, "Children"),
    childrenBox,
    button("Add a child", () => addChild({}), "secondary"),
    h("h2", {}, "Person causing harm"),
    ...perp.nodes,
    h("div", { class: "button-group" }, button("Save changes", save), button("Cancel", onCancel, "secondary")),
  ];
}
