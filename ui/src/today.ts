// The Today view (issue 17, item 3): the screen after unlock. Who to call today, and whether
// it is safe now: the worker's own cases first (a manager sees all, with a filter), grouped
// Overdue / Today / This week, each item in plain words with the case reference, initials
// and the core's "safe now" badge, refreshed as each minute begins and when the window comes back. The search box filters
// the list in place and finds any client at the top of the page; typing never redraws the
// box, so focus stays in it. The card's badge and stale warning are here too (cardSafety).
import { ClientSummary, ContactView, QueueItem } from "./api";
import { button, errorSummary, field, h, nextId } from "./dom";
import { todayIso } from "./logic";
import { everyMinute } from "./ticker";
import { dueWords, grouped, sentence, shortDate, staleWarning } from "./todayLogic";
import type { Badge } from "./bindings/Badge";
import type { Today } from "./bindings/Today";
import type { TodayRow } from "./bindings/TodayRow";
import * as commands from "./commands";

export interface TodayDeps {
  show: (...nodes: Array<Node | null>) => void;
  openClient: (id: number) => void;
  /** The approve/finish button a share-request item carries, if any. */
  requestAction: (i: QueueItem) => HTMLElement | null;
  manager: boolean;
  /** A refusal in words. */
  message: (e: unknown) => string;
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function badgeTag(b: Badge | null | undefined): HTMLElement | null {
  if (!b) return null;
  return h("strong", { class: `safe-badge safe-${b.state.replace(/_/g, "-")}` }, b.words);
}

function longDate(iso: string): string {
  const t = new Date(`${iso}T12:00:00Z`);
  const day = Number.isNaN(t.getTime()) ? "" : `${DAY_NAMES[t.getUTCDay()]} `;
  return `${day}${shortDate(iso, iso)} ${iso.slice(0, 4)}`;
}

function clientLabel(i: QueueItem): string {
  return `${i.initials ?? ""} ${i.case_reference ?? ""}`.trim() || `Client ${i.client_id}`;
}

function rowItem(r: TodayRow, on: string, deps: TodayDeps): HTMLElement {
  const i = r.item;
  const act = deps.requestAction(i);
  const who = i.client_id !== null
    ? button(clientLabel(i), () => deps.openClient(i.client_id as number), "link", { "aria-label": `Open ${clientLabel(i)}` })
    : null;
  return h(
    "li",
    { class: `today-row${r.group === "overdue" ? " overdue" : ""}` },
    h("p", { class: "today-what" }, sentence(r)),
    h("p", { class: "today-meta" }, who, who ? " · " : "", h("span", { class: r.group === "overdue" ? "due urgent" : "due" }, dueWords(r, on)), " ", badgeTag(r.badge)),
    act,
  );
}

/** The Today screen. */
export async function todayScreen(deps: TodayDeps): Promise<void> {
  let data: Today;
  try {
    data = await commands.today();
  } catch (e) {
    return deps.show(errorSummary(deps.message(e)));
  }
  let scope: "mine" | "all" = deps.manager ? "all" : "mine";
  const search = h("input", { type: "search", id: "today-search", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
  const found = h("div", { id: "today-found" });
  const status = h("p", { class: "visually-hidden", role: "status", id: "today-status" });
  const list = h("div", { id: "today-list" });
  const asOf = h("p", { class: "hint", id: "today-as-of" });

  const drawList = () => {
    const groups = grouped(data.rows, scope, search.value);
    asOf.textContent = `${longDate(data.on)}. Safe times as of ${data.at}; checked again every minute.`;
    list.replaceChildren(
      ...(groups.length
        ? groups.flatMap((g) => {
            const id = nextId("today-group");
            return [
              h("h2", { id }, `${g.label} (${g.rows.length})`),
              h("ul", { class: "today-list", "aria-labelledby": id }, ...g.rows.map((r) => rowItem(r, data.on, deps))),
            ];
          })
        : [h("p", { class: "today-empty" }, search.value.trim() ? "Nothing due this week matches the search." : scope === "mine" ? "Nothing is due in your cases this week." : "Nothing is due this week.")]),
    );
    const shown = groups.reduce((n, g) => n + g.rows.length, 0);
    const said = `${shown} item${shown === 1 ? "" : "s"} due shown.`;
    if (status.textContent !== said) status.textContent = said; // announced only when it changes
  };

  // Clients found by the search (any client, in the queue or not), at the top of the page.
  let asked = 0;
  const findClients = async () => {
    const q = search.value.trim();
    const mine = ++asked;
    if (!q) {
      found.replaceChildren();
      return;
    }
    let clients: ClientSummary[];
    try {
      clients = await commands.list_clients({ search: q, names: false });
    } catch (e) {
      if (mine === asked) found.replaceChildren(h("p", { class: "due urgent" }, deps.message(e)));
      return;
    }
    if (mine !== asked) return; // a later keystroke has asked again
    const first = clients.slice(0, 10);
    found.replaceChildren(
      h("h2", { id: "today-found-heading" }, clients.length ? `Clients found (${clients.length})` : "Clients found"),
      clients.length
        ? h("ul", { class: "today-found-list", "aria-labelledby": "today-found-heading" }, ...first.map((c) =>
            h("li", {}, button(`${c.initials} ${c.case_reference}`, () => deps.openClient(c.id), "link", { "aria-label": `Open ${c.initials}, ${c.case_reference}` }))))
        : h("p", {}, "No client matches. Check the spelling, or search by case reference."),
      clients.length > first.length ? h("p", { class: "hint" }, `The first ${first.length} are shown: type more to narrow the search.`) : "",
    );
  };
  let timer: number | undefined;
  search.addEventListener("input", () => {
    drawList();
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void findClients(), 250);
  });

  const scopeName = nextId("scope");
  const scopeRadio = (value: "mine" | "all", label: string) => {
    const input = h("input", { type: "radio", name: scopeName, value, id: nextId("r"), checked: scope === value }) as HTMLInputElement;
    input.addEventListener("change", () => {
      if (input.checked) {
        scope = value;
        drawList();
      }
    });
    return h("div", { class: "radio" }, input, h("label", { for: input.id }, label));
  };
  const filter = h("fieldset", { class: "fieldset today-scope" }, h("legend", {}, "Show"), scopeRadio("mine", "My cases"), scopeRadio("all", "All cases"));

  drawList();
  deps.show(
    h("h1", {}, "Today"),
    asOf,
    h("div", { class: "toolbar" }, field("Find a client by name or case reference", search, "The list below narrows as you type; any client is found here, due or not.")),
    status,
    found,
    filter,
    list,
  );

  // The badges move with the clock: as each minute begins while this screen is shown, and
  // when the window comes back (ticker.ts). A refresh never redraws the search box, and
  // waits while focus is in the list.
  everyMinute(async () => {
    if (!list.isConnected) return false;
    if (list.contains(document.activeElement)) return true;
    try {
      const next = await commands.today();
      const changed = JSON.stringify(next) !== JSON.stringify(data);
      data = next;
      if (changed && list.isConnected) drawList();
      return true;
    } catch {
      return false; // locked: the page is being cleared
    }
  });
}

/** The card's "safe now" badge and stale warning for each contact of a client: `for(c, n)`
 *  gives the nodes for contact `n` (from 1). One `safe_now` call fills every badge, again
 *  as each minute begins while the card is shown and when the window comes back. */
export function cardSafety(client: number): { for: (c: ContactView, n: number) => HTMLElement } {
  const badges = new Map<number, HTMLElement>();
  const fill = async (): Promise<boolean> => {
    let got: Array<Badge | null>;
    try {
      got = await commands.safe_now({ client });
    } catch {
      return false;
    }
    for (const [n, el] of badges) {
      const b = got[n - 1];
      // Redrawn (and so announced) only when the words change.
      if (el.textContent === (b?.words ?? "")) continue;
      const tag = badgeTag(b);
      el.replaceChildren(...(tag ? [tag] : []));
    }
    return true;
  };
  queueMicrotask(() => {
    void fill();
    everyMinute(async () => [...badges.values()].some((el) => el.isConnected) && (await fill()));
  });
  return {
    for: (c, n) => {
      const badge = h("p", { class: "safe-now", "aria-live": "polite" });
      badges.set(n, badge);
      const stale = staleWarning(c, todayIso());
      return h(
        "div",
        { class: "card-safety" },
        badge,
        stale
          ? h("div", { class: "stale-warning" }, h("span", { class: "warning-icon", "aria-hidden": "true" }, "!"), h("strong", {}, h("span", { class: "visually-hidden" }, "Warning: "), stale))
          : null,
      );
    },
  };
}
