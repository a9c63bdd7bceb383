//! The log's closed vocabularies: the lists of words the log's entries are written in
//! (recipients, consent states and methods, attempt outcomes, alert reasons, decision
//! kinds, export formats, lawful bases, approvals, request states). They are here, in the
//! log, because event bodies ([`super::event`]) are written in them and the log names
//! nothing above it; the modules that act on them (consent, safe contact, enquiries,
//! decisions, exports, shares) use them from here, and keep their other methods
//! (`impl RecipientKind` in `casework::consent`, for instance).

use serde::{Deserialize, Serialize};

use crate::support::error::Result;

// ---------------------------------------------------------------------------------------
// Consent (`casework::consent`)

word_enum!(
    /// Who information may go to.
    RecipientKind, "the recipient" {
        Marac => "marac",
        ChildrensSocialCare => "childrens_social_care",
        Police => "police",
        Health => "health",
        Housing => "housing",
    }
);

word_enum!(ConsentState, "the consent state" {
    Given => "given",
    Refused => "refused",
    Withdrawn => "withdrawn",
    NotSought => "not_sought",
    LacksCapacity => "lacks_capacity",
});

word_enum!(ConsentMethod, "the method" {
    Verbal => "verbal",
    Written => "written",
    Other => "other",
});

// ---------------------------------------------------------------------------------------
// Safe contact (`casework::contact_log`)

word_enum!(
    /// How a contact attempt went (a closed list: nothing is chosen for the worker).
    AttemptOutcome, "the outcome" {
        Spoke => "spoke",
        NoAnswer => "no_answer",
        NotSafeToTalk => "not_safe_to_talk",
        NumberNotWorking => "number_not_working",
    }
);

impl AttemptOutcome {
    /// Reads an outcome as the CLI writes it (`no-answer`) or as stored (`no_answer`).
    pub fn parse(s: &str) -> Result<AttemptOutcome> {
        s.trim().replace('-', "_").parse()
    }

    /// The outcome in words, for people.
    pub fn words(&self) -> &'static str {
        match self {
            AttemptOutcome::Spoke => "spoke to them",
            AttemptOutcome::NoAnswer => "no answer",
            AttemptOutcome::NotSafeToTalk => "not safe to talk",
            AttemptOutcome::NumberNotWorking => "number not working",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Enquiries (`casework::enquiry`; its words are there)

word_enum!(
    /// Why the tripwire raised an alert.
    AlertReason, "the alert reason" {
        SeveralClients => "several_clients",
        Repeated => "repeated",
        NotSwitchboard => "not_switchboard",
        UnknownOrganisation => "unknown_organisation",
    }
);

word_enum!(
    /// How the enquiry came in.
    EnquiryChannel, "`channel`" {
        Phone => "phone",
        Email => "email",
        InPerson => "in_person",
        Letter => "letter",
        Other => "other",
    }
);

// ---------------------------------------------------------------------------------------
// Decisions (`sharing::decisions`)

word_enum!(
    /// What kind of entry a decision row is (the list's filter).
    DecisionKind, "the kind of decision" {
        Share => "share",
        Decline => "decline",
        ConsentGiven => "consent_given",
        ConsentRefused => "consent_refused",
        ConsentOther => "consent_other",
        Request => "request",
    }
);

// ---------------------------------------------------------------------------------------
// Exports (`sharing::export`)

word_enum!(
    /// The file format of an export.
    Format, "the format" {
        Pdf => "pdf",
        Json => "json",
    }
);

// ---------------------------------------------------------------------------------------
// Shares (`sharing::share`)

word_enum!(
    /// Lawful bases for sharing without consent.
    LawfulBasis, "the lawful basis" {
        SafeguardingChild => "safeguarding_child",
        SafeguardingAdult => "safeguarding_adult",
        PreventDetectCrime => "prevent_detect_crime",
        LegalDuty => "legal_duty",
        VitalInterests => "vital_interests",
        PublicInterest => "public_interest",
    }
);

word_enum!(
    /// Whether the person was told about the share.
    Told, "`told`" {
        Yes => "yes",
        No => "no",
        NotSafe => "not_safe",
    }
);

// Whether a share needed a manager's approval, and whether it had one (`//`: ts-rs copies doc comments).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    NotRequired,
    Approved,
    Awaiting,
}

// ---------------------------------------------------------------------------------------
// Share requests (`sharing::share::request`)

/// Where a share request stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Awaiting a manager.
    Pending,
    /// Approved; the requester may finish it.
    Approved,
    Rejected,
    /// Approved and shared.
    Finished,
}
