// The ONE place where the core's field paths ("`contacts[0].value` is not a valid phone
// number") become the reader's words ("Contact 1: Enter a UK phone number, like 07700
// 900123"). The core's messages stay as they are (the CLI shows them, and they name no
// record value); the app shows them through `explain`. The table's keys are the paths the
// core's validators report, with list indexes written `[]`; tests/field_labels.rs reads
// this file and fails if the core can report a path that has no label here.

/** A field's label (as its form shows it) and, where the generic sentences would read
 *  badly, the words for its commonest problems. */
interface FieldWords {
  label: string;
  /** "Enter …" for a missing answer (default: "Enter " + the label in lower case). */
  missing?: string;
  /** The sentence for a value of the wrong form (phone, e-mail, postcode, time…). */
  format?: string;
  /** A date that may not be after today: "must be in the past" (default "must be today or in the past"). */
  past?: string;
}

// prettier-ignore
export const FIELD_LABELS: Record<string, FieldWords> = {
  "full_name": { label: "Full name", missing: "Enter their full name" },
  "preferred_name": { label: "Preferred name" },
  "date_of_birth": { label: "Date of birth", past: "Date of birth must be in the past" },
  "gender": { label: "Gender" },
  "pronouns": { label: "Pronouns" },
  "case_reference": { label: "Case reference", format: "Case reference must only include letters, numbers, hyphens (-) and slashes (/), at most 32" },
  "address": { label: "Address" },
  "postcode": { label: "Postcode", format: "Enter a real postcode, like DE1 1AA" },
  "address_is_refuge": { label: "This address is a refuge" },
  "ethnicity": { label: "Ethnicity" },
  "disabilities": { label: "Disabilities" },
  "health_notes": { label: "Health notes" },
  "pregnant": { label: "Pregnant" },
  "immigration_status": { label: "Immigration status" },
  "no_recourse_to_public_funds": { label: "No recourse to public funds" },
  "agencies_involved": { label: "Agencies involved" },
  "contacts[]": { label: "Contact" },
  "contacts[].channel": { label: "Channel", missing: "Choose the channel" },
  "contacts[].voicemail_ok": { label: "Is a voicemail safe?" },
  "contacts[].may_identify_agency": { label: "May we say who we are?" },
  "contacts[].do_not_use": { label: "DO NOT USE this channel" },
  "contacts[].value": { label: "Number or address", missing: "Enter the number or e-mail address", format: "Enter a UK phone number, like 07700 900123 (a number abroad starts with + and its country code)" },
  "contacts[].safe_times": { label: "When it is safe" },
  "contacts[].safe_windows": { label: "Safe windows" },
  "contacts[].safe_windows[].days": { label: "Safe window days", format: "Choose at least one day for each safe window" },
  "contacts[].safe_windows[].from": { label: "Safe window start", format: "Enter the start of the safe window as a time, like 09:30" },
  "contacts[].safe_windows[].to": { label: "Safe window end", format: "Enter the end of the safe window as a time after its start, like 12:00 (24:00 is the end of the day)" },
  "contacts[].code_word": { label: "Code word" },
  "contacts[].notes": { label: "Notes" },
  "contacts[].last_confirmed": { label: "Last confirmed" },
  "contacts[].review_due": { label: "Review due", format: "Review due must be the same as or after the date it was last confirmed" },
  "contacts[].keep_code_word_of": { label: "Code word" },
  "children[].full_name": { label: "Child's full name", missing: "Enter the child's full name" },
  "children[].school": { label: "School" },
  "children[].lives_with_client": { label: "Lives with the client" },
  "children[].protection_plan": { label: "Child protection plan" },
  "children[].date_of_birth": { label: "Child's date of birth", past: "Child's date of birth must be in the past" },
  "perpetrator": { label: "Person causing harm" },
  "perpetrator.full_name": { label: "Full name of the person causing harm" },
  "perpetrator.address": { label: "Address of the person causing harm" },
  "perpetrator.relationship": { label: "Relationship" },
  "perpetrator.police_reference": { label: "Police reference" },
  "perpetrator.orders": { label: "Orders (injunctions, bail conditions)" },
  "perpetrator.date_of_birth": { label: "Date of birth of the person causing harm", past: "Date of birth of the person causing harm must be in the past" },
  "risk[].answers": { label: "Checklist answers", missing: "Answer every question (Not known is an answer)" },
  "risk[].date": { label: "Date of the assessment" },
  "risk[].professional_judgement": { label: "Professional judgement" },
  "risk[].judgement_reason": { label: "Reason for professional judgement", missing: "Enter the reason for your professional judgement" },
  "risk[].police_incidents_12m": { label: "Police call-outs in the last 12 months", format: "Enter the number of police call-outs in the last 12 months, like 3" },
  "notes[].text": { label: "Note", missing: "Enter the note" },
  "notes[].date": { label: "Date of the note" },
  // MARAC referrals (marac.rs)
  "referred_on": { label: "Date of referral", format: "Date of referral must be on or after the latest referral's date" },
  "victim_aware": { label: "Does the person know about this referral?", missing: "Say whether the person knows about this referral" },
  "reason": { label: "Reason", missing: "Enter the reason" },
  "meeting_date": { label: "Meeting date", format: "Meeting date must be the same as or after the date of referral" },
  "agencies_present[]": { label: "Agencies present", missing: "Enter the agency's name" },
  "actions[].agency": { label: "Action agency", missing: "Enter the agency for the action" },
  "actions[].owner": { label: "Action owner", missing: "Enter who owns the action" },
  "actions[].description": { label: "Action description" },
  "actions[].due": { label: "Action due date" },
  "actions[].done": { label: "Action done" },
  // Consent, sharing and enquiries (their messages name the field in brackets: "(`reason`)")
  "purpose": { label: "Purpose", missing: "Say what the information is for" },
  "lawful_basis": { label: "Lawful basis", missing: "Choose the lawful basis for sharing without consent" },
  "justification": { label: "Justification", missing: "Enter a justification of at least 10 characters" },
  "told": { label: "Was the person told?" },
  "number": { label: "Call-back number", format: "Enter a phone number, like 07700 900123 (a number abroad starts with + and its country code)" },
  "organisation": { label: "Organisation", missing: "Enter the organisation's name" },
  "review_on": { label: "Review date" },
  "recipient_name": { label: "Recipient's name" },
  "advice": { label: "Advice given" },
  "note": { label: "Note" },
  // The agency's details (settings.rs)
  "agency": { label: "Agency name", missing: "Enter the agency's name" },
  "referrer_role": { label: "Referrer's role" },
  "phone": { label: "Agency phone number" },
  "email": { label: "Secure e-mail address" },
  // The vault's settings (settings.rs, risk.rs)
  "risk.marac_score": { label: "Refer to MARAC at this many yes answers" },
  "risk.escalation_incidents": { label: "Potential escalation: police-reported incidents in 12 months" },
  "risk.medium_from": { label: "Medium risk from this score" },
  "risk.high_from": { label: "High risk from this score" },
  "queue.reconfirm_after_days": { label: "Re-confirm a safe-contact arrangement after this many days" },
  "lock.idle_minutes": { label: "Lock after this many minutes without use, for everyone using this vault" },
  "queue.meeting_within_days": { label: "Show MARAC meetings this many days ahead" },
  "queue.action_within_days": { label: "Show MARAC actions due within this many days" },
  "retention.years_after_closure": { label: "Years a closed case is kept" },
  // Enquiries (enquiry.rs)
  "caller_name": { label: "Who they said they were", missing: "Write who they said they were (or “unknown”)" },
  "claimed_organisation": { label: "The organisation they said they were calling for" },
  "callback": { label: "The call-back they gave" },
  "asked": { label: "What they asked", missing: "Write what they asked" },
  "response": { label: "What you told them", missing: "Write what you told them" },
  "at": { label: "When", format: "Enter when it was as a real date and a time, like 14:30", past: "When must be now or in the past" },
};

/** The names of the groups of a list path, for "Contact 1: …". */
const GROUPS: Record<string, string> = { contacts: "Contact", children: "Child", risk: "Assessment", notes: "Note", actions: "Action", safe_windows: "Window", agencies_present: "Agency" };

/** `contacts[0].value` → `contacts[].value` (the table's key). */
export function pattern(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/** "Contact 1: " for a path in a list (only the outer list: the contact, not its window). */
function groupPrefix(path: string): string {
  const m = /^([a-z_]+)\[(\d+)\]/.exec(path);
  if (!m) return "";
  if (m[1] === "risk" || m[1] === "notes") return ""; // the form adds one at a time
  const name = GROUPS[m[1]];
  return name ? `${name} ${Number(m[2]) + 1}: ` : "";
}

export function labelFor(path: string): string | undefined {
  return FIELD_LABELS[pattern(path)]?.label;
}

/** A refusal in the reader's words, and the field it belongs to (when the core named one). */
export interface Explained {
  /** The core's path (`contacts[0].value`), or null when the message names no field. */
  path: string | null;
  message: string;
}

/** Sentences of the core that name their field in words, not by path: the field, and the words. */
const SENTENCES: Array<[RegExp, string, string]> = [
  [/^the review date is in the past/, "review_on", "Review date must be today or in the future"],
  [/^the review date must be a real date/, "review_on", "Review date must be a real date"],
];

/** Request fields that are not answers but the app's own controls, in the app's words. */
const CONTROL_WORDS: Record<string, string> = { request: "“Ask a manager to approve”", emergency: "“Emergency”" };
/** A bracketed aside that sends the reader to a CLI command (`enquiry list`): dropped. */
const CLI_ASIDE = /\s*\([^()]*`[a-z]+ [a-z-]+`[^()]*\)/g;

/** The core names the field a sentence is about in brackets at its end: "… (`reason`)". */
const FIELD_ASIDE = /\s*\(`([a-z_]+)`\)/;

function sentence(s: string): string {
  const t = s.trim().replace(/\s+/g, " ");
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}

function lower(label: string): string {
  return label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
}

/** The app's words for a core message. Known paths become labels and known problems plain
 *  sentences; a CLI flag is never shown; anything else is shown as the core wrote it, with
 *  its paths replaced by labels. */
export function explain(message: string): Explained {
  for (const [re, p, words] of SENTENCES) if (re.test(message)) return { path: p, message: words };
  let text = message;
  // The field a sentence is about, named in brackets: its field, and the words without it.
  let path: string | null = null;
  const aside = FIELD_ASIDE.exec(text);
  if (aside) {
    path = aside[1];
    text = text.replace(FIELD_ASIDE, "");
  }
  const m = /^`([a-z_]+(?:\[\d+\])?(?:\.[a-z_0-9]+(?:\[\d+\])?)*)`(?: in the [a-z ]+ JSON)? (.*)$/s.exec(text);
  if (m) {
    path = m[1];
    const rest = m[2];
    const words = FIELD_LABELS[pattern(path)];
    const label = words?.label ?? labelFor(path.replace(/\.[a-z_]+$/, "")) ?? "This answer";
    const plain = plainProblem(label, words, rest);
    return { path, message: groupPrefix(path) + plain };
  }
  // Remaining paths inside the sentence (`a` is before `b`) become labels; asides about CLI
  // commands go, and so do any flags left (named as the app's controls where it has them).
  text = text.replace(CLI_ASIDE, "");
  text = text.replace(/`([a-z_]+(?:\[\d+\])?(?:\.[a-z_0-9]+(?:\[\d+\])?)*)`/g, (_, p: string) =>
    CONTROL_WORDS[p] ?? (labelFor(p) ? `“${lower(labelFor(p) as string)}”` : p.replace(/_/g, " ")),
  );
  text = text.replace(/`([^`]*)`/g, "$1");
  return { path, message: sentence(text) };
}

function plainProblem(label: string, words: FieldWords | undefined, rest: string): string {
  if (/^(is required|may not be empty|is required and may not be empty)/.test(rest) || /^is required for an? /.test(rest)) {
    return words?.missing ?? `Enter ${lower(label)}`;
  }
  const long = /^is too long \((\d+) characters; the limit is (\d+)\)/.exec(rest);
  if (long) return `${label} must be ${long[2]} characters or fewer`;
  if (/^contains control characters/.test(rest)) return `${label} must not contain tabs or other invisible characters`;
  if (/^is outside the years/.test(rest)) return `${label} must be a real date between 1900 and 2200`;
  if (/^is in the future/.test(rest)) return words?.past ?? `${label} must be today or in the past`;
  if (/^must be a real date/.test(rest)) return `${label} must be a real date`;
  if (words?.format && /^(must be a date and time|is a time the clocks skipped|is before the year)/.test(rest)) return words.format;
  if (words?.format && (/^is not a/.test(rest) || /^may hold only/.test(rest) || /^must be a time/.test(rest) || /^must be after/.test(rest) || /^needs at least/.test(rest) || /^is before/.test(rest) || /^is implausibly/.test(rest))) {
    return words.format;
  }
  if (/^is not a valid e-mail address/.test(rest)) return "Enter an e-mail address, like name@example.com";
  if (/^(has the wrong type of value|must be one of|is not a valid date)/.test(rest)) return `${label}: give an answer from the form (this one could not be read)`;
  if (/^is required when/.test(rest)) return words?.missing ?? `Enter ${lower(label)}`;
  // Anything else: the label, then the core's words with any other paths as labels.
  return sentence(`${label} ${rest.replace(/`([a-z_.[\]0-9]+)`/g, (_, p: string) => lower(labelFor(p) ?? p.replace(/_/g, " ")))}`);
}
