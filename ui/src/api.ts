// The only place the UI talks to the shell. Errors arrive as {code, message}.
import { invoke } from "@tauri-apps/api/core";

// Types shared with the core are generated from the Rust types (ts-rs, `cargo test`):
// ui/src/bindings. The client record's view below is the generated record plus derived values.
import type { CmdError } from "./bindings/CmdError";
import type { AppStatus } from "./bindings/AppStatus";
export type { CmdError } from "./bindings/CmdError";
export type { ClientSummary } from "./bindings/ClientSummary";
export type { ConsentEntry } from "./bindings/ConsentEntry";
export type { ConsentReport } from "./bindings/ConsentReport";
export type { ConsentDecision } from "./bindings/ConsentDecision";
export type { PurposeOption } from "./bindings/PurposeOption";
export type { Entry as LogEntry } from "./bindings/Entry";
export type { VerifyReport } from "./bindings/VerifyReport";
export type { ShareReceipt } from "./bindings/ShareReceipt";
export type { SharePreview } from "./bindings/SharePreview";
export type { Unlocked } from "./bindings/Unlocked";
export type { Created } from "./bindings/Created";
export type { User } from "./bindings/User";
export type Status = AppStatus;
import type { ClientRecord as StoredRecord } from "./bindings/ClientRecord";
import type { RiskEntry } from "./bindings/RiskEntry";
import type { RiskLevel } from "./bindings/RiskLevel";
import type { Note } from "./bindings/Note";
import type { Contact } from "./bindings/Contact";
import type { Caution } from "./bindings/Caution";
export type { Contact, Caution };
import type { MaracReferral } from "./bindings/MaracReferral";
export type { MaracAction } from "./bindings/MaracAction";
export type { MaracOutcome } from "./bindings/MaracOutcome";
export type { Queue } from "./bindings/Queue";
export type { QueueItem } from "./bindings/QueueItem";
export type { RiskForm } from "./bindings/RiskForm";
export type { Settings as VaultSettings } from "./bindings/Settings";
export type { CaseStatus } from "./bindings/CaseStatus";
export type { PurgeReport } from "./bindings/PurgeReport";
export type { Enquiry } from "./bindings/Enquiry";

export function isCmdError(e: unknown): e is CmdError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Called when a command answers `locked` (frame.ts clears the page if it thought it was
 *  unlocked: a `locked` event it missed). */
let onLocked: () => void = () => undefined;
export function whenLockedAnswer(f: () => void) {
  onLocked = f;
}

export async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isCmdError(e)) {
      if (e.code === "locked") onLocked();
      throw e;
    }
    throw { code: "internal", message: "Something went wrong. Nothing was half-saved." } as CmdError;
  }
}



/** A contact as `show_client` gives it: the code word is never sent with the record, only
 *  whether one is set (`reveal_code_word` fetches it on request, and that is recorded). */
export type ContactView = Omit<Contact, "code_word"> & {
  code_word_set: boolean;
  /** The safe-contact gate's situations when the record was shown (`show_client` only):
   *  the card shows them ("stale", "outside safe times") and asks for an acknowledgement
   *  with a reason before a copy. */
  cautions?: Caution[];
};

/** What `show_client` returns with names shown (`details: true`): the stored record
 *  (generated type) plus its id, initials, note ids and each risk assessment's derived
 *  values (added by `clients::client_view`). */
export type ClientRecord = Omit<StoredRecord, "risk" | "notes" | "marac" | "contacts"> & {
  id: number;
  initials: string;
  details: true;
  contacts: ContactView[];
  risk: Array<RiskEntry & { score: number; level: RiskLevel; meets_marac_threshold: boolean; criteria_met: string[] }>;
  /** MARAC referrals in date order, each numbered from 1 with its repeat flag. */
  marac: Array<MaracReferral & { referral: number; repeat: boolean }>;
  notes: Array<Note & { id: number }>;
  /** The enquiry tripwire has an alert about an enquiry linked to this client. */
  enquiry_alert: boolean;
};

/** What `show_client` returns with names hidden (`details: false`): the case reference,
 *  initials, risk (without free-text reasons) and the safe contacts; nothing else. */
export type ClientOverview = Pick<ClientRecord, "id" | "case_reference" | "initials" | "contacts" | "enquiry_alert"> & {
  details: false;
  risk: Array<Omit<ClientRecord["risk"][number], "judgement_reason">>;
};

export type ClientView = ClientRecord | ClientOverview;
