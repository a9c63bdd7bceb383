// A manager's view of decisions (issue 17 item 6): the list with filters, the detail page
// of each decision or consent, a client's "Sharing and decisions" section, and the
// agency and referrer settings exports print. Every word comes from the core's typed views
// (src/decisions.rs), read from signed log entries; each read is audited there.
import { ClientSummary } from "./api";
import type { DecisionDetail } from "./bindings/DecisionDetail";
import type { DecisionRow } from "./bindings/DecisionRow";
import { button, checkbox, errorSummary, field, h, listBox, radios } from "./dom";
import { RECIPIENTS } from "./logic";
import * as commands from "./commands";

/** What this module needs from the app's shell of screens. */
export interface Nav {
  show(...nodes: Array<Node | null>): void;
  message(e: unknown): string;
  client(id: number): void;
}

export interface DecisionFilter {
  client?: number | null;
  recipient?: string | null;
  kind?: string | null;
  awaiting_approval?: boolean;
}

export const KINDS: Array<[string, string]> = [
  ["", "Any kind"],
  ["share", "Shares"],
  ["decline", "Decisions not to share"],
  ["consent_given", "Consent given"],
  ["consent_refused", "Consent refused or withdrawn"],
  ["consent_other", "Consent not sought or no capacity"],
  ["request", "Requests for approval"],
];

/** The filter as the core reads it: empty choices left out. */
export function filterArgs(f: DecisionFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.client) out.client = f.client;
  if (f.recipient) out.recipient = f.recipient;
  if (f.kind) out.kind = f.kind;
  if (f.awaiting_approval) out.awaiting_approval = true;
  return out;
}

/** A table of decisions, each row linking to its detail page. */
export function decisionTable(nav: Nav, rows: DecisionRow[], back: () => void, id: string, withCase = true): HTMLElement {
  if (!rows.length) return h("p", { id, class: "hint" }, "No decisions recorded.");
  const head = ["When", "What", ...(withCase ? ["Case"] : []), "Decided by", "Details"];
  return h(
    "table",
    { class: "table", id },
    h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col" }, t)))),
    h(
      "tbody",
      {},
      ...rows.map((r) =>
        h(
          "tr",
          { "data-kind": r.kind },
          h("td", {}, r.when),
          h("td", {}, r.what),
          withCase ? h("td", {}, r.case) : null,
          h("td", {}, r.by),
          h("td", {}, button("View", () => void decisionDetail(nav, r.id, back), "link", { "aria-label": `View: ${r.what}, ${r.when}` })),
        ),
      ),
    ),
  );
}

/** The decision log: filters, the list, and the check of the whole log. */
export async function decisionsScreen(nav: Nav, filter: DecisionFilter = {}): Promise<void> {
  let rows: DecisionRow[];
  let clients: ClientSummary[];
  try {
    rows = await commands.decisions({ filter: filterArgs(filter) });
    clients = await commands.list_clients({ search: null, names: false });
  } catch (e) {
    return nav.show(h("h1", {}, "Decisions"), errorSummary(nav.message(e)));
  }
  // No drop-downs (their pop-up would take the keyboard from quick exit): the caseload's
  // clients in a list box drawn in the page, the short fixed lists as radios.
  const client = listBox([["", "Any client"], ...clients.map((c): [string, string] => [String(c.id), `${c.case_reference} · ${c.initials}`])], filter.client ? String(filter.client) : "");
  const recipient = radios("Recipient", "filter-recipient", [["", "Any recipient"], ...RECIPIENTS], filter.recipient ?? "", { id: "filter-recipient", inline: true });
  const kind = radios("Kind", "filter-kind", KINDS, filter.kind ?? "", { id: "filter-kind", inline: true });
  const awaiting = checkbox("Only those awaiting a manager's approval", !!filter.awaiting_approval);
  client.id = "filter-client";
  const result = h("div", { "aria-live": "polite", id: "verify-result" });
  const current = () => ({ client: client.value ? Number(client.value) : null, recipient: recipient.value() || null, kind: kind.value() || null, awaiting_approval: awaiting.input.checked });
  nav.show(
    h("h1", {}, "Decisions"),
    h("p", {}, "Every consent, every decision to share or not to share and every request for approval, signed by the person who made it. Open one to see everything that was recorded."),
    h(
      "form",
      { class: "filters", id: "decision-filters", "aria-label": "Filter the decisions", onsubmit: (e: Event) => { e.preventDefault(); void decisionsScreen(nav, current()); } },
      field("Client", client),
      recipient.el,
      kind.el,
      awaiting.el,
      h("div", { class: "button-group" },
        h("button", { type: "submit", class: "button secondary" }, "Apply filters"),
        button("Clear filters", () => void decisionsScreen(nav, {}), "secondary")),
    ),
    h("p", { id: "decision-count" }, `${rows.length} ${rows.length === 1 ? "decision" : "decisions"}${filterArgs(filter) && Object.keys(filterArgs(filter)).length ? " match the filters" : ""}.`),
    decisionTable(nav, rows, () => void decisionsScreen(nav, filter), "decision-table"),
    h("h2", {}, "Check the log"),
    h("p", {}, "Recomputes every entry's link and signature from the first entry."),
    button("Verify the whole log", async () => {
      try {
        const r = await commands.verify_log();
        result.replaceChildren(
          r.first_break
            ? h("div", { class: "error-summary", role: "alert" }, `Entry ${r.first_break.seq} does not hold: ${r.first_break.problem}`)
            : h("div", { class: "notice ok" }, `Intact: ${r.entries} entries, every signature checked. Chain head ${r.head.slice(0, 16)}…`),
        );
      } catch (e) {
        result.replaceChildren(errorSummary(nav.message(e)));
      }
    }, "secondary"),
    result,
  );
}

/** One row of a summary list, left out when there is nothing to say. */
function row(label: string, value: string | Node | null | undefined, id?: string): Node[] {
  if (value === null || value === undefined || value === "") return [];
  return [h("dt", {}, label), h("dd", id ? { id } : {}, value)];
}

/** The rows of a decision's detail, in plain words (exported for the unit tests). */
export function detailRows(d: DecisionDetail): Array<[string, string]> {
  const r = d.row;
  const out: Array<[string, string | null | undefined]> = [
    ["What", r.what],
    ["When", r.when],
    ["Case", r.case],
    ["Recipient", d.recipient_label],
    ["Recipient's name", d.recipient_name],
    ["Purpose", d.purpose],
    ["Consent", d.consent],
    ["How consent was given", d.method],
    ["Consent to be reviewed on", d.review_on],
    ["Lawful basis", d.lawful_basis],
    ["Justification", d.justification],
    ["Reason", d.reason],
    ["Emergency", d.emergency ? "Yes: shared at once, to be approved afterwards" : null],
    ["Was the person told?", d.told],
    ["Advice taken", d.advice],
    ["Decided by", r.by],
    ["Approval", d.approval],
  ];
  return out.filter((x): x is [string, string] => !!x[1]);
}

/** The detail page of one decision or consent. */
export async function decisionDetail(nav: Nav, id: number, back: () => void): Promise<void> {
  let d: DecisionDetail;
  try {
    d = await commands.decision({ id });
  } catch (e) {
    return nav.show(h("h1", {}, "Decision"), errorSummary(nav.message(e)), button("Back", back, "secondary"));
  }
  const shareLike = d.row.kind === "share" || d.row.kind === "request";
  const list = (items: string[], id: string, none: string) => (items.length ? h("ul", { class: "list", id }, ...items.map((i) => h("li", {}, i))) : h("p", { id, class: "hint" }, none));
  const tech = d.file_sha256 || d.chain_head
    ? h(
        "details",
        { class: "details", id: "technical-details" },
        h("summary", {}, "Technical details"),
        h("dl", { class: "summary" },
          ...row("Decision record", `Entry ${d.row.id} of the signed log`),
          ...row("File format", d.file_format),
          ...row("File fingerprint (SHA-256)", d.file_sha256 ? h("code", { class: "fingerprint" }, d.file_sha256) : null),
          ...row("Log chain head at export", d.chain_head ? h("code", { class: "fingerprint" }, d.chain_head) : null)),
        h("p", { class: "hint" }, "The fingerprint proves that a file someone holds is the one that was shared: `casekeep log verify` and a SHA-256 of the file give the same value."),
      )
    : null;
  nav.show(
    h("p", { class: "caption" }, d.row.case),
    h("h1", {}, d.row.what),
    h("dl", { class: "summary", id: "decision-summary" }, ...detailRows(d).flatMap(([l, v]) => row(l, v))),
    shareLike ? h("h2", {}, "Fields shared") : null,
    shareLike ? list(d.fields_shared, "fields-shared", d.row.kind === "request" ? "None yet: the file is made when the request is finished." : "None.") : null,
    shareLike && d.fields_withheld.length ? h("h2", {}, "Fields withheld") : null,
    shareLike && d.fields_withheld.length
      ? h("ul", { class: "list", id: "fields-withheld" }, ...d.fields_withheld.map((w) => h("li", {}, h("strong", {}, w.label), ` — ${w.reason}`)))
      : null,
    tech,
    h(
      "div",
      { class: "button-group" },
      button("Back", back, "secondary"),
      d.row.client ? button("Open the client's record", () => nav.client(d.row.client ?? 0), "secondary") : null,
    ),
  );
}

/** The "Sharing and decisions" section of a client's record. */
export async function sharingSection(nav: Nav, client: number, back: () => void): Promise<Node[]> {
  let rows: DecisionRow[];
  try {
    rows = await commands.decisions({ filter: { client } });
  } catch (e) {
    return [h("h2", { id: "sharing-heading" }, "Sharing and decisions"), errorSummary(nav.message(e))];
  }
  return [
    h("h2", { id: "sharing-heading" }, "Sharing and decisions"),
    h("p", { class: "hint" }, "What was shared with whom, what was decided not to share and why, and every consent recorded. Open one to see everything that was recorded."),
    decisionTable(nav, rows, back, "sharing-table", false),
  ];
}

/** Settings: the agency and referrer details (a manager changes them; others read them). */
export async function agencySection(nav: Nav, manager: boolean, say: (t: string) => void): Promise<Node[]> {
  const d = await commands.agency_details().catch(() => null);
  if (!d) return [];
  const input = (v: string | null, type: string, autocomplete: string) => {
    const i = h("input", { type, autocomplete, value: v ?? "", spellcheck: "false" }) as HTMLInputElement;
    i.readOnly = !manager;
    return i;
  };
  const agency = input(d.agency, "text", "organization");
  const role = input(d.referrer_role, "text", "organization-title");
  const phone = input(d.phone, "tel", "tel");
  const email = input(d.email, "text", "email");
  email.setAttribute("inputmode", "email");
  agency.id = "agency-name";
  role.id = "agency-role";
  phone.id = "agency-phone";
  email.id = "agency-email";
  const errors = h("div", { id: "agency-errors" });
  return [
    h("h2", { id: "agency-heading" }, "Agency and referrer"),
    h("p", {}, "Exports print these. A MARAC referral prints all four in its referrer block; until they are set, it says plainly which are missing."),
    errors,
    field("Agency name", agency, "As exports should print it."),
    field("Referrer's role", role, "For example: IDVA, outreach worker."),
    field("Phone number", phone, "A UK number a MARAC coordinator can ring, like 0300 123 4567."),
    field("Secure e-mail address", email, "For example: referrals@example.gov.uk"),
    manager
      ? button("Save the agency and referrer details", async () => {
          try {
            await commands.set_agency_details({ details: { agency: agency.value, referrer_role: role.value, phone: phone.value, email: email.value } });
            errors.replaceChildren();
            say("Agency and referrer details saved.");
          } catch (e) {
            errors.replaceChildren(errorSummary(nav.message(e)));
          }
        }, "secondary", { id: "save-agency" })
      : h("p", { class: "hint" }, "Only a manager can change these."),
  ];
}
