// The caseload screens: Today (ui/src/today.ts), the caseload with its work queue, and
// adding a client.
import { ClientSummary, Queue } from "../api";
import { checkDuplicates } from "../card";
import { dateInput } from "../dateinput";
import { at, button, checkbox, errorSummary, field, h, radios } from "../dom";
import { formScreen } from "../formpage";
import { FORMS, initialState, problems, showProblems, YES_NO } from "../forms";
import { main, message, paged, riskTag, show } from "../frame";
import { dueText, looksLikePhone, todayIso } from "../logic";
import { go, type Routes } from "../router";
import { state } from "../state";
import { todayScreen } from "../today";
import { requestAction } from "./share";
import * as commands from "../commands";

/** The screen after unlock: ui/src/today.ts. */
function today() {
  state.detailsFor = null;
  // Drawn only if no other screen was drawn while its data was on the way (a click on
  // "Caseload" during a slow "today" call must not be overdrawn by it).
  const at = state.screensDrawn;
  const showIfCurrent = (...nodes: Array<Node | null>) => {
    if (state.screensDrawn === at) show(...nodes);
  };
  return todayScreen({ show: showIfCurrent, openClient: (id) => void go({ to: "client", id }), requestAction, manager: state.status?.role === "manager", message });
}

async function caseload(search = "") {
  state.detailsFor = null;
  let clients: ClientSummary[];
  let queue: Queue;
  try {
    clients = await commands.list_clients({ search, names: state.namesShown });
    queue = await commands.work_queue();
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const today = todayIso();
  const overdue = queue.items.filter((i) => i.overdue).length;
  const searchBox = h("input", { type: "search", value: search, id: "search" }) as HTMLInputElement;
  searchBox.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Enter") void go({ to: "caseload", search: searchBox.value });
  });
  const toggle = button(state.namesShown ? "Hide names" : "Show names", () => {
    state.namesShown = !state.namesShown;
    void go({ to: "caseload", search: searchBox.value });
  }, "secondary", { "aria-pressed": state.namesShown ? "true" : "false", id: "toggle-names" });
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
    const name = state.namesShown && c.full_name ? c.full_name : c.initials;
    const items = byClient.get(c.id) ?? [];
    const urgent = d?.urgent || items.some((i) => i.overdue);
    const text = items.length ? `${items.length} item${items.length === 1 ? "" : "s"} in the work queue` : d ? d.text : "";
    return h(
      "tr",
      {},
      h("td", {}, button(name, () => void go({ to: "client", id: c.id }), "link", { "aria-label": `Open ${name}, ${c.case_reference}` })),
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
      h("td", {}, i.client_id !== null ? button(`${i.initials ?? ""} ${i.case_reference ?? ""}`.trim() || `Client ${i.client_id}`, () => void go({ to: "client", id: i.client_id as number }), "link") : ""),
      h("td", {}, i.what, ...(act ? [" ", act] : [])),
    );
  };
  const [queueBody, moreQueue] = paged(queue.items, queueRow, "work queue items");
  const [clientBody, moreClients] = paged(clients, clientRow, "clients");
  show(
    h("h1", {}, `Caseload (${clients.length})`),
    h("div", { class: "toolbar" }, field("Search by name or reference", searchBox), button("Search", () => void go({ to: "caseload", search: searchBox.value }), "secondary"), toggle, button("Add a client", () => void go({ to: "newClient" }))),
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
    if (!(await checkDuplicates(record, duplicates, (id) => void go({ to: "client", id })))) return;
    try {
      const id = await commands.add_client({ record });
      await go({ to: "client", id });
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  formScreen({
    title: "Add a client",
    errors,
    form: [
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
    ],
    actions: [button("Save the client", () => void save()), button("Cancel", () => void go({ to: "caseload" }), "secondary")],
  }).render();
}

export const routes: Routes<"today" | "caseload" | "newClient"> = {
  today: () => today(),
  caseload: (r) => caseload(r.search),
  newClient: () => newClient(),
};
