// The page's navigation: every screen is a named route with typed parameters, and screens
// go to one another through `go()` only, never by importing each other's functions (so the
// screen modules form no import cycle). main.ts installs the table once at start-up; each
// screen module exports its part of it (`routes`).
import type { ClientDetails, ClientView, PurposeOption, QueueItem } from "./api";

/** A client as the forms' captions need it (the risk checklist and notes reopen from a draft
 *  with no more than this). */
export type ClientRef = { id: number; case_reference: string; initials: string };
/** A kept draft's answers, put back into its form. */
type Restore = Record<string, unknown> | undefined;

export type Route =
  // start and unlock: screens/start.ts
  | { to: "start" }
  | { to: "create" }
  | { to: "recovery"; key: string }
  | { to: "unlock"; demo: boolean }
  | { to: "demo" }
  | { to: "recover" }
  | { to: "restore" }
  // caseload: screens/caseload.ts
  | { to: "today" }
  | { to: "caseload"; search?: string }
  | { to: "newClient" }
  // a client's record: screens/client.ts
  | { to: "client"; id: number }
  | { to: "edit"; rec: ClientDetails; restore?: Restore }
  | { to: "note"; rec: ClientRef; restore?: Restore }
  // risk and MARAC: screens/risk.ts
  | { to: "risk"; rec: ClientRef; restore?: Restore }
  | { to: "marac"; rec: ClientDetails; referral: number | null; restore?: Restore }
  // consent: screens/consent.ts
  | { to: "consent"; rec: ClientView; purposes: PurposeOption[]; restore?: Restore }
  | { to: "decline"; rec: ClientView; purposes: PurposeOption[]; restore?: Restore }
  // sharing and share requests: screens/share.ts
  | { to: "share"; rec: ClientDetails; purposes: PurposeOption[]; restore?: Restore }
  | { to: "reviewRequest"; item: QueueItem; id: number }
  | { to: "finishRequest"; id: number }
  // enquiries: screens/enquiries.ts
  | { to: "enquiry"; restore?: Restore }
  | { to: "enquiries"; client: number | null }
  | { to: "linkEnquiry"; id: number }
  // the decision log (ui/src/decisions.ts) and settings: screens/settings.ts
  | { to: "log" }
  | { to: "settings" };

export type RouteName = Route["to"];
export type Screen<K extends RouteName> = (params: Extract<Route, { to: K }>) => void | Promise<void>;
/** Each screen module's part of the table. */
export type Routes<K extends RouteName = RouteName> = { [N in K]: Screen<N> };

let table: Partial<Routes> = {};

/** Installs the whole table (main.ts, once): the type requires every route to be drawn. */
export function install(routes: Routes) {
  table = routes;
}

/** Draws the route's screen; resolves when it is drawn (a screen that waits for data first). */
export async function go(route: Route): Promise<void> {
  const screen = table[route.to] as Screen<RouteName> | undefined;
  if (!screen) throw new Error(`no screen for the route ${route.to}`);
  await screen(route as never);
}
