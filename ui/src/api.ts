// The only place the UI talks to the shell. Errors arrive as {code, message}.
import { invoke } from "@tauri-apps/api/core";

// Types shared with the core are generated from the Rust types (ts-rs, `cargo test`):
// ui/src/bindings, the client record's views (`record::ClientView`) among them.
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
import type { Contact } from "./bindings/Contact";
import type { Caution } from "./bindings/Caution";
export type { Contact, Caution };
export type { ContactView } from "./bindings/ContactView";
export type { ClientDetails } from "./bindings/ClientDetails";
export type { ClientOverview } from "./bindings/ClientOverview";
export type { ClientView } from "./bindings/ClientView";
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



