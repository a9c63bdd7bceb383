// Enquiries: recording one (script first, nothing looked up), linking it to a client
// afterwards, and the list.
import { ClientSummary, Enquiry } from "../api";
import { dateInput, readTime } from "../dateinput";
import { at, button, checkbox, errorSummary, field, h, listBox, radios } from "../dom";
import { keepForm } from "../formdraft";
import { formScreen } from "../formpage";
import { CHANNELS, checkAnswers, enquirySummary, FORMS, initialState, problems, showProblems } from "../forms";
import { message, paged, say, show } from "../frame";
import { shortDate, todayIso } from "../logic";
import { go, type Routes } from "../router";
import * as commands from "../commands";

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
  const leave = () => void kept.done().then(() => go({ to: "caseload" }));
  const page = formScreen({
    title: "Record an enquiry",
    intro: [
      h("section", { class: "notice", id: "enquiry-script", "aria-labelledby": "script-heading" }, h("h2", { id: "script-heading" }, "Say this first"), h("p", { class: "script-text" }, script)),
      h("p", { class: "hint" }, "Do not look anyone up while they are on the line. Write what they asked without the client's name (“asked whether a named woman is staying with us”). Link the enquiry to the client afterwards."),
    ],
    errors,
    form: [form],
    actions: [button("Continue", () => review()), button("Cancel", leave, "secondary")],
  });
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
      confirm: (box) =>
        page.sign(box, async () => {
          const id = await commands.record_enquiry({ enquiry });
          await kept.done();
          enquiryRecorded(id);
        }),
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
      button("Link it to a client now", () => void go({ to: "linkEnquiry", id })),
      button("Later", () => void go({ to: "enquiries", client: null }), "secondary")),
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
  const page = formScreen({
    title: `Link enquiry ${id} to a client`,
    errors,
    form: [form],
    actions: [
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
          cancel: () => void go({ to: "enquiries", client: null }),
          confirm: (box) =>
            page.sign(box, async () => {
              await commands.link_enquiry({ enquiry: id, client: client.id });
              await go({ to: "enquiries", client: null });
              say(`Enquiry ${id} linked and signed.`);
            }),
        }));
      }),
      button("Cancel", () => void go({ to: "enquiries", client: null }), "secondary"),
    ],
  });
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
      h("td", {}, e.case_reference ?? (e.client_id !== null ? `#${e.client_id}` : button("Link to a client…", () => void go({ to: "linkEnquiry", id: e.id }), "link", { "aria-label": `Link enquiry ${e.id} to a client` }))),
    );
  const [body, more] = paged(list, row, "enquiries");
  show(
    h("h1", {}, client === null ? `Enquiries (${list.length})` : `Enquiries about this client (${list.length})`),
    h("div", { class: "button-group" }, button("Record an enquiry", () => void go({ to: "enquiry" })), client !== null ? button("Back to the client", () => void go({ to: "client", id: client }), "secondary") : null),
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

export const routes: Routes<"enquiry" | "enquiries" | "linkEnquiry"> = {
  enquiry: (r) => enquiryForm(r.restore),
  enquiries: (r) => enquiriesScreen(r.client),
  linkEnquiry: (r) => linkForm(r.id),
};
