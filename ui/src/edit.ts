// Editing every field of the catalogue: the client's details, safe contacts, children
// and the person causing harm. The result is one patch, saved in one transaction.
import type { ClientRecord } from "./api";
import { button, checkbox, field, h, nextId, select } from "./dom";
import { dateInput } from "./dateinput";
import type { DateRules } from "./dateinput";
import { showProblems } from "./errors";
import type { Problem } from "./errors";
import { SafeWindowLike, WEEK, todayIso, windowsToSend } from "./logic";

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

export const CONTACT_FIELDS: Spec[] = [
  ["value", "Number or address", "text"],
  ["safe_times", "When it is safe", "text"],
  ["voicemail_ok", "Is a voicemail safe?", "tri"],
  ["may_identify_agency", "May we say who we are?", "tri"],
  ["code_word", "Code word", "text"],
  ["do_not_use", "DO NOT USE this channel", "bool"],
  ["last_confirmed", "Last confirmed", "date"],
  ["review_due", "Review due", "date"],
  ["notes", "Notes", "text"],
];

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
      const s = select([["", "Not recorded"], ["yes", "Yes"], ["no", "No"]], v === true ? "yes" : v === false ? "no" : "");
      readers.push(() => [key, s.value === "" ? null : s.value === "yes"]);
      const f = field(label, s, hint);
      keyed.push([key, f]);
      return f;
    }
    const input =
      kind === "textarea"
        ? (h("textarea", { rows: "2", id: nextId("t") }) as HTMLTextAreaElement)
        : (h("input", { type: "text", id: nextId("i"), autocomplete: "off", spellcheck: "false" }) as HTMLInputElement);
    input.value = typeof v === "string" ? v : "";
    readers.push(() => [key, input.value.trim() === "" ? null : input.value]);
    const f = field(label, input, hint);
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

/** The whole edit form; `onSave` gets the patch. Dates that do not make a date are shown in
 *  `errors` (the screen's error summary) and nothing is sent. */
export function editForm(rec: ClientRecord, onSave: (patch: Record<string, unknown>) => void, onCancel: () => void, errors?: HTMLElement): HTMLElement[] {
  const details = group(CLIENT_FIELDS, rec);
  const contactsBox = h("div", {});
  const contactReaders: Array<{ el: HTMLElement; read: () => Record<string, unknown>; g: ReturnType<typeof group> }> = [];
  // `stored`: the contact's number in the stored record (from 1), null for a new one. The
  // page never holds a code word: an empty code word input keeps the stored one (the patch
  // says `keep_code_word_of`), unless "Remove the code word" is ticked.
  const addContact = (c: Record<string, unknown>, stored: number | null) => {
    const hasWord = stored !== null && c.code_word_set === true;
    const g = group(CONTACT_FIELDS, c, hasWord ? { code_word: "A code word is set (not shown here). Leave this empty to keep it, or type a new one to replace it." } : {});
    const removeWord = hasWord ? checkbox("Remove the code word") : null;
    const channel = select(CHANNELS, String(c.channel ?? "phone"));
    const storedWindows = Array.isArray(c.safe_windows) ? (c.safe_windows as SafeWindowLike[]) : undefined;
    const storedWords = typeof c.safe_times === "string" ? c.safe_times.trim() : "";
    const windows = windowsEditor(storedWindows ?? []);
    const fs = h("fieldset", { class: "fieldset item" }, h("legend", {}, `Contact ${contactReaders.length + 1}`), field("Channel", channel), ...g.nodes, windows.el, ...(removeWord ? [removeWord.el] : []));
    const read = () => {
      const v = withoutNulls(g.read());
      const words = typeof v.safe_times === "string" ? v.safe_times.trim() : "";
      const send = windowsToSend(storedWindows, windows.edited() ? windows.read() : null, words !== storedWords);
      if (send !== undefined) v.safe_windows = send;
      if (hasWord && v.code_word === undefined && !removeWord?.input.checked) v.keep_code_word_of = stored;
      return { channel: channel.value, ...v };
    };
    const entry = { el: fs, read, g };
    fs.append(button("Remove this contact", () => {
      contactReaders.splice(contactReaders.indexOf(entry), 1);
      fs.remove();
    }, "secondary"));
    contactReaders.push(entry);
    contactsBox.append(fs);
  };
  rec.contacts.forEach((c, i) => addContact(c as unknown as Record<string, unknown>, i + 1));

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
    // Each field named by the path the core reports it by, as the lists now stand.
    details.tag("");
    contactReaders.forEach((r, i) => {
      r.g.tag(`contacts[${i}].`);
      r.el.dataset.path = `contacts[${i}]`;
      const w = r.el.querySelector<HTMLElement>(".windows-editor");
      if (w) w.dataset.path = `contacts[${i}].safe_windows`;
    });
    childReaders.forEach((r, i) => r.g.tag(`children[${i}].`));
    perp.tag("perpetrator.");
    const gaps = [
      ...details.problems(""),
      ...contactReaders.flatMap((r, i) => r.g.problems(`Contact ${i + 1}: `)),
      ...childReaders.flatMap((r, i) => r.g.problems(`Child ${i + 1}: `)),
      ...perp.problems("Person causing harm: "),
    ];
    if (errors && showProblems(errors, errors.parentElement ?? document, gaps)) return;
    const p = withoutNulls(perp.read());
    onSave({
      ...details.read(),
      contacts: contactReaders.map((r) => r.read()),
      children: childReaders.map((r) => r.read()),
      perpetrator: Object.keys(p).length ? p : null,
    });
  };
  return [
    h("h2", {}, "About them"),
    ...details.nodes,
    h("h2", {}, "How to contact them safely"),
    contactsBox,
    button("Add a contact", () => addContact({ channel: "phone" }, null), "secondary"),
    h("h2", {}, "Children"),
    childrenBox,
    button("Add a child", () => addChild({}), "secondary"),
    h("h2", {}, "Person causing harm"),
    ...perp.nodes,
    h("div", { class: "button-group" }, button("Save changes", save), button("Cancel", onCancel, "secondary")),
  ];
}
