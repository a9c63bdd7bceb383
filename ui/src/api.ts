// The only place the UI talks to the shell. Errors arrive as {code, message}.
import { invoke } from "@tauri-apps/api/core";

export interface CmdError {
  code: string;
  message: string;
}

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

export interface Status {
  vault_exists: boolean;
  demo_exists: boolean;
  unlocked: boolean;
  demo: boolean;
  user: string | null;
  role: "manager" | "caseworker" | null;
  idle_minutes: number;
  demo_passphrase: string;
  demo_user: string;
  fixed_export_dir: boolean;
}

export interface ClientSummary {
  id: number;
  case_reference: string;
  full_name: string;
  initials: string;
  risk_level: "standard" | "medium" | "high" | null;
  safe_contact_review_due: string | null;
  updated_at: string;
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

export interface ConsentEntry {
  seq: number;
  recorded_at: string;
  recipient: string;
  purpose: string;
  state: string;
  method: string;
  reason?: string;
  review_on?: string;
  recorded_by: string;
  review_overdue: boolean;
}

export interface LogEntry {
  seq: number;
  at: string;
  kind: string;
  event: string;
  actor: string | null;
  client_id: number | null;
  body: Record<string, unknown>;
  hash: string;
}
