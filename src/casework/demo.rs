//! The demo vault: a separate vault with a synthetic caseload, so a newcomer sees a living
//! caseload within a minute. Its passphrase is public (shown on its unlock screen); it is
//! never the real vault and never mixes with it.

use std::path::Path;

use serde_json::json;

use crate::casework::consent::ConsentInput;
use crate::log::vocab::RecipientKind;
use crate::record::Date;
use crate::support::error::Result;
use crate::vault::slots::Passphrase;
use crate::vault::Vault;

pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSPHRASE: &str = "demo vault passphrase";
pub const DEMO_MARKER: &str = "demo.marker";

const FIRST: &[&str] =
    &["Ada", "Bea", "Cleo", "Dina", "Eve", "Fay", "Gita", "Hana", "Iris", "Jo", "Kemi", "Lena"];
const LAST: &[&str] = &["Example", "Sample", "Specimen", "Testcase", "Placeholder", "Fictional"];

/// True when `dir` holds a demo vault (which may be opened with the public passphrase).
pub fn is_demo(dir: &Path) -> bool {
    dir.join(DEMO_MARKER).exists()
}

/// Creates the demo vault in `dir` with a synthetic caseload.
pub fn create(dir: &Path) -> Result<()> {
    let (mut session, _recovery) = Vault::create(dir, DEMO_USER, &Passphrase::new(DEMO_PASSPHRASE.into()))?;
    crate::support::fsutil::write_atomic(
        &dir.join(DEMO_MARKER),
        b"This is Casekeep's demo vault: synthetic people only.\n",
    )?;
    session.set_agency("Demo Outreach Service (synthetic)")?;
    let today = Date::today().0;
    for i in 0..FIRST.len() {
        let first = FIRST.get(i).copied().unwrap_or("Ada");
        let last = LAST.get(i % LAST.len()).copied().unwrap_or("Example");
        let yes = [16usize, 7, 12, 3, 18, 9, 14, 5, 11, 2, 15, 8].get(i).copied().unwrap_or(5);
        let answers: Vec<&str> = (0..24)
            .map(|k| {
                if k < yes {
                    "yes"
                } else if k == 23 {
                    "not_known"
                } else {
                    "no"
                }
            })
            .collect();
        let days = |d: i64| (today + chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
        let rec = json!({
            "full_name": format!("{first} {last}"),
            "preferred_name": first,
            "date_of_birth": format!("{}-0{}-1{}", 1975 + i * 2, 1 + i % 9, i % 10),
            "gender": "female",
            "address": format!("{} Example Street, Derby", 10 + i),
            "postcode": "DE1 1AA",
            "address_is_refuge": i % 4 == 0,
            "contacts": [
                {"channel": "phone", "value": format!("07700 900{:03}", 100 + i), "safe_times": "Mon-Fri 10:00-12:00",
                 "voicemail_ok": i % 3 == 0, "may_identify_agency": i % 2 == 0, "code_word": "bluebell",
                 "last_confirmed": days(-40 - i as i64 * 3), "review_due": days(i as i64 * 2 - 6)},
                {"channel": "phone", "value": format!("07700 900{:03}", 900 + i), "do_not_use": true, "notes": "shared landline"}
            ],
            "children": [{"full_name": format!("Sam {last}"), "date_of_birth": format!("{}-06-01", 2012 + i % 10), "school": "Example Primary", "lives_with_client": true}],
            "perpetrator": {"full_name": format!("Lee {last}"), "relationship": "ex-partner"},
            "risk": [{"date": days(-(i as i64)), "answers": answers, "professional_judgement": false}],
            "notes": [{"text": "Synthetic demo note: first contact at the outreach clinic."}]
        });
        let id = session.add_client(rec.to_string().as_bytes())?;
        if yes >= 14 {
            let referral = json!({"referred_on": days(-(i as i64)), "reason": "Synthetic demo: visible high risk after separation", "victim_aware": i % 2 == 0});
            session.record_marac(id, referral.to_string().as_bytes())?;
            let meeting = json!({
                "referral": 1,
                "meeting_date": days(5 + i as i64),
                "agencies_present": ["Police", "Children's social care", "IDVA service", "Housing"],
                "actions": [
                    {"agency": "Police", "owner": "DS Demo", "description": "Flag the address for a priority response", "due": days(2)},
                    {"agency": "Housing", "owner": "Demo Housing Officer", "description": "Review the sanctuary scheme", "due": days(-1)}
                ]
            });
            session.record_marac(id, meeting.to_string().as_bytes())?;
        }
        if i % 2 == 0 {
            session.record_consent(id, ConsentInput::given_verbally(RecipientKind::Marac))?;
        }
    }
    Ok(())
}
