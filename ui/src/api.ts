// The only place the UI talks to the shell. Errors arrive as {code, message}.
import { invoke } from "@tauri-apps/api/core";

// Types shared with the core are generated from the Rust types (ts-rs, `cargo test`):
// ui/src/bindings. Only the client record's view is written here (it is built as JSON).
import type { CmdError } from "./bindings/CmdError";
import type { AppStatus } from "./bindings/AppStatus";
export type { CmdError } from "./bindings/CmdError";
export type { ClientSummary } from "./bindings/ClientSummary";
export type { ConsentEntry } from "./bindings/ConsentEntry";
export type { ConsentReport } from "./bindings/ConsentReport";
export type { Entry as LogEntry } from "./bindings/Entry";
export type { VerifyReport } from "./bindings/VerifyReport";
export type { ShareReceipt } from "./bindings/ShareReceipt";
export type { Unlocked } from "./bindings/Unlocked";
export type { Created } from "./bindings/Created";
export type { User } from "./bindings/User";
export type Status = AppStatus;

export function isCmdError(e: unknown): e is CmdError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isCmdError(e)) throw e;
    throw { code: "internal", message: "Something went wrong. Nothing was half-saved." } as CmdError;
  }
}



export interface Contact {
  channel: string;
  value?: string;
  safe_times?: string;
  voicemail_ok?: boolean;
  may_identify_agency?: boolean;
  code_word?: string;
  do_not_use: boolean;
  last_confirmed?: string;
  review_due?: string;
  notes?: string;
}

export interface ClientRecord {
  id: number;
  case_reference: string;
  full_name: string;
  preferred_name?: string;
  date_of_birth?: string;
  gender?: string;
  pronouns?: string;
  address?: string;
  postcode?: string;
  address_is_refuge: boolean;
  contacts: Contact[];
  children: Array<{ full_name: string; date_of_birth?: string; school?: string; lives_with_client?: boolean }>;
  perpetrator?: { full_name?: string; relationship?: string };
  risk: Array<{ date: string; score: number; level: string; meets_marac_threshold: boolean; criteria_met: string[] }>;
  notes: Array<{ id: number; date: string; author: string; text: string }>;
  [key: string]: unknown;
}


