//! The PDF summary: A4, text extractable, fonts embedded (DejaVu Sans, subset by
//! scripts/subset-fonts.sh), no personal data
//! in the document information (its title is "Casekeep disclosure N").

use std::io::BufWriter;

use printpdf::path::PaintMode;
use printpdf::{
    Color, CustomPdfConformance, IndirectFontRef, Mm, PdfConformance, PdfDocument, PdfDocumentReference,
    PdfLayerReference, Rect, Rgb,
};

use super::{Envelope, MARKING};
use crate::consent::RecipientKind;
use crate::error::{Error, Result};
use crate::policy::{RedactedView, SharedField, ALL_ANSWERS_HEAD, INDICATORS_HEAD};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-subset.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 20.0;
const TOP: f32 = 270.0;
const BOTTOM: f32 = 25.0;

fn pdf_err(_: impl std::fmt::Debug) -> Error {
    Error::Storage("could not build the PDF".into())
}

struct Writer {
    doc: PdfDocumentReference,
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    y: f32,
    page: usize,
    footer: String,
    /// Every string drawn, in order, for the firewall's scan of the text layer.
    drawn: Vec<String>,
    /// The average character width, in em, that [`Writer::para`] wraps by.
    em: f32,
}

impl Writer {
    fn frame(&mut self) {
        // Marking at the top and bottom of every page, as government marking guidance asks.
        self.layer.use_text(MARKING, 10.0, Mm(LEFT), Mm(PAGE_H - 12.0), &self.bold);
        self.layer.use_text(MARKING, 10.0, Mm(LEFT), Mm(10.0), &self.bold);
        let footer = format!("{}  ·  page {}", self.footer, self.page);
        self.layer.use_text(footer.as_str(), 7.5, Mm(LEFT), Mm(15.0), &self.regular);
        self.drawn.extend([MARKING.to_string(), MARKING.to_string(), footer]);
    }

    fn new_page(&mut self) {
        let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "Layer 1");
        self.layer = self.doc.get_page(page).get_layer(layer);
        self.page += 1;
        self.y = TOP;
        self.frame();
    }

    fn need(&mut self, mm: f32) {
        if self.y - mm < BOTTOM {
            self.new_page();
        }
    }

    fn line(&mut self, text: &str, size: f32, bold: bool) {
        let step = size * 0.45 + 1.2;
        self.need(step);
        let font = if bold { &self.bold } else { &self.regular };
        self.layer.use_text(text, size, Mm(LEFT), Mm(self.y), font);
        self.drawn.push(text.to_string());
        self.y -= step;
    }

    /// Wraps at word boundaries to fit the text column (by the average width `em`).
    /// A no-break space (see [`keep_together`]) joins words that must stay on one line; it
    /// is drawn as a plain space.
    fn para(&mut self, text: &str, size: f32, bold: bool, indent: usize) {
        let width_chars = ((PAGE_W - 2.0 * LEFT) / (size * 0.3528 * self.em)) as usize;
        let pad = " ".repeat(indent);
        for raw_line in text.lines() {
            let mut current = String::new();
            for word in raw_line.split_ascii_whitespace() {
                let mut word = word.to_string();
                while word.chars().count() > width_chars.saturating_sub(indent) {
                    let head: String = word.chars().take(width_chars - indent).collect();
                    let tail: String = word.chars().skip(width_chars - indent).collect();
                    if !current.is_empty() {
                        self.line(&format!("{pad}{}", current.replace(NBSP, " ")), size, bold);
                        current.clear();
                    }
                    self.line(&format!("{pad}{}", head.replace(NBSP, " ")), size, bold);
                    word = tail;
                }
                if current.chars().count() + word.chars().count() + 1 > width_chars - indent
                    && !current.is_empty()
                {
                    self.line(&format!("{pad}{}", current.replace(NBSP, " ")), size, bold);
                    current.clear();
                }
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(&word);
            }
            self.line(&format!("{pad}{}", current.replace(NBSP, " ")), size, bold);
        }
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }

    /// One row of a two-column table: the label in bold on the left, the value wrapped in
    /// the column on the right (each of the value's lines on lines of its own).
    fn row(&mut self, label: &str, value: &str) {
        const SIZE: f32 = 10.0;
        const VALUE_X: f32 = LEFT + 58.0;
        let step = SIZE * 0.45 + 1.2;
        let chars = |mm: f32| ((mm / (SIZE * 0.3528 * TEXT_EM)) as usize).max(8);
        let labels = wrap(label, chars(VALUE_X - LEFT - 3.0));
        let values = wrap(&keep_phone_together(value), chars(PAGE_W - LEFT - VALUE_X));
        let lines = labels.len().max(values.len()).max(1);
        // A row of up to a few lines stays on one page.
        self.need(step * (lines.min(6) as f32) + 1.0);
        for n in 0..lines {
            if n > 0 {
                self.need(step);
            }
            if let Some(l) = labels.get(n) {
                self.layer.use_text(l.as_str(), SIZE, Mm(LEFT), Mm(self.y), &self.bold);
                self.drawn.push(l.clone());
            }
            if let Some(v) = values.get(n) {
                let v = v.replace(NBSP, " ");
                self.layer.use_text(v.as_str(), SIZE, Mm(VALUE_X), Mm(self.y), &self.regular);
                self.drawn.push(v);
            }
            self.y -= step;
        }
        self.y -= 1.0;
    }

    /// A section heading.
    fn heading(&mut self, title: &str) {
        self.gap(3.0);
        self.need(14.0);
        self.line(title, 12.0, true);
        self.gap(0.5);
    }

    fn colour(&self, rgb: (f32, f32, f32)) {
        self.layer.set_fill_color(Color::Rgb(Rgb::new(rgb.0, rgb.1, rgb.2, None)));
    }

    /// The do-not-contact block: first on the page, in dark red inside a thick red frame.
    fn do_not_contact(&mut self, view: &RedactedView) {
        let list = view.do_not_contact();
        if list.is_empty() {
            return;
        }
        // The block is kept on one page (a frame cannot cross a page break).
        let lines: f32 = list.iter().map(|d| 2.0 + f32::from(d.reason.is_some())).sum();
        self.need(12.0 + lines * 6.0);
        self.gap(2.0);
        let (page, top) = (self.page, self.y + 6.0);
        self.colour(DARK_RED);
        self.line("DO NOT CONTACT ON THESE", 13.0, true);
        self.gap(1.0);
        for d in list {
            let value = d.value.as_deref().map(keep_together);
            let warning = match (&d.value, value) {
                (Some(v), Some(kept)) => d.warning.replacen(v.as_str(), &kept, 1),
                _ => d.warning.clone(),
            };
            // Capitals in bold are wider than text: wrap them by a wider average.
            self.em = CAPITALS_EM;
            self.para(&format!("✖ {warning}."), 10.5, true, 0);
            self.em = TEXT_EM;
            self.colour(BLACK);
            if let Some(reason) = &d.reason {
                self.para(&format!("Why: {reason}"), 10.0, false, 3);
            }
            self.colour(DARK_RED);
            self.gap(1.0);
        }
        self.colour(BLACK);
        if self.page == page {
            let bottom = self.y + 1.5;
            self.layer.set_outline_color(Color::Rgb(Rgb::new(0.75, 0.0, 0.0, None)));
            self.layer.set_outline_thickness(2.5);
            let frame = Rect::new(Mm(LEFT - 3.0), Mm(bottom), Mm(PAGE_W - LEFT + 3.0), Mm(top))
                .with_mode(PaintMode::Stroke);
            self.layer.add_rect(frame);
        }
        self.gap(3.0);
    }

    /// The safe route: each safe contact with its times and flags as instructions.
    fn safe_contacts(&mut self, view: &RedactedView) {
        let list = view.safe_contacts();
        if list.is_empty() {
            return;
        }
        self.gap(3.0);
        self.line("How to contact safely", 12.0, true);
        for (n, c) in list.iter().enumerate() {
            let channel = c.channel.as_deref().map(|ch| format!(" ({ch})")).unwrap_or_default();
            let head = match &c.value {
                Some(v) => format!("Safe contact {}: {}{channel}", n + 1, keep_together(v)),
                None => format!("Safe contact {}{channel}", n + 1),
            };
            self.para(&head, 10.5, true, 0);
            for i in &c.instructions {
                self.para(i, 10.0, false, 3);
            }
            if let Some(d) = &c.last_confirmed {
                self.para(&format!("Last confirmed safe: {d}."), 10.0, false, 3);
            }
            self.gap(1.0);
        }
    }
}

const NBSP: char = '\u{a0}';
/// DejaVu Sans averages ≈0.55 em over text; bold capitals are ≈0.75 em.
const TEXT_EM: f32 = 0.55;
const CAPITALS_EM: f32 = 0.75;
const DARK_RED: (f32, f32, f32) = (0.65, 0.0, 0.0);
const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);

/// Words wrapped to lines of at most `width` characters (a longer word is cut), each of
/// `text`'s own lines apart.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let mut current = String::new();
        for word in raw.split_ascii_whitespace() {
            let mut word = word.to_string();
            while word.chars().count() > width {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                out.push(word.chars().take(width).collect());
                word = word.chars().skip(width).collect();
            }
            if !current.is_empty() && current.chars().count() + word.chars().count() + 1 > width {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&word);
        }
        out.push(current);
    }
    out
}

/// A UK phone number in national form (digits in groups of 2 to 6 after a 0) kept on one
/// line: its spaces become no-break spaces.
fn keep_phone_together(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let words: Vec<&str> = text.split(' ').collect();
    for (n, w) in words.iter().enumerate() {
        out.push_str(w);
        let next = words.get(n + 1);
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let joins = digits(w) && next.is_some_and(|x| digits(x)) && (w.starts_with('0') || w.len() >= 3);
        if next.is_some() {
            out.push(if joins { NBSP } else { ' ' });
        }
    }
    out
}

/// A field's label without its group ("Child 1: full name" → "Full name"): the table's
/// heading names the group.
fn short_label(label: &str) -> String {
    let field = label.split_once(": ").map_or(label, |(_, f)| f);
    let mut out = field.to_string();
    if let Some(first) = out.get(..1) {
        let up = first.to_uppercase();
        out.replace_range(..1, &up);
    }
    out
}

/// A value (a phone number) that must not break over two lines.
fn keep_together(v: &str) -> String {
    v.replace(' ', &NBSP.to_string())
}

/// A rendered PDF and, for the firewall, every string it holds as text: the document
/// information's title, then each string drawn on its pages in order.
#[derive(Debug)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub text: Vec<String>,
}

pub fn render(view: &RedactedView, env: &Envelope) -> Result<Rendered> {
    let title = format!("Casekeep disclosure {}", env.disclosure_id);
    let (doc, page, layer) = PdfDocument::new(&title, Mm(PAGE_W), Mm(PAGE_H), "Layer 1");
    let doc = doc.with_conformance(PdfConformance::Custom(CustomPdfConformance {
        requires_icc_profile: false,
        requires_xmp_metadata: false,
        ..Default::default()
    }));
    let regular = doc.add_external_font(REGULAR).map_err(pdf_err)?;
    let bold = doc.add_external_font(BOLD).map_err(pdf_err)?;
    let layer = doc.get_page(page).get_layer(layer);
    let head: String = env.log_chain_head.chars().take(16).collect();
    let mut w = Writer {
        doc,
        layer,
        regular,
        bold,
        y: TOP,
        page: 1,
        footer: format!("Disclosure record {} · log chain head {head}… · Casekeep", env.disclosure_id),
        drawn: vec![title.clone()],
        em: TEXT_EM,
    };
    w.frame();
    if view.recipient() == RecipientKind::Marac {
        marac_referral(&mut w, view, env);
        return finish(w);
    }

    w.para(&format!("Information shared with {}", view.recipient_label()), 15.0, true, 0);
    w.gap(2.0);
    // First on the page: the channels never to use, then the safe route.
    w.do_not_contact(view);
    w.safe_contacts(view);
    w.gap(2.0);
    if let Some(name) = view.recipient_name() {
        w.para(&format!("For: {name}"), 10.0, false, 0);
    }
    w.para(&format!("Purpose: {}", view.purpose()), 10.0, false, 0);
    w.para(&format!("Date: {}", env.made_at.get(..10).unwrap_or(&env.made_at)), 10.0, false, 0);
    w.para(&format!("Shared by: {} ({})", env.made_by, env.agency), 10.0, false, 0);
    w.para(
        "Shared on a need-to-know basis. Do not pass it on without the sender's agreement. \
         It contains only what this recipient needs: anything not shown was not shared.",
        9.0,
        false,
        0,
    );
    if let Some(ct) = view.contact_through() {
        w.gap(3.0);
        w.line("Contact", 12.0, true);
        w.para(
            &format!(
                "Do not contact the person directly. Contact them through {} at {}, the referring agency.",
                ct.caseworker, ct.agency
            ),
            10.0,
            false,
            0,
        );
    }

    // Contacts are not fields here: they are the two blocks above.
    let section_of = |path: &str| match path.split('.').next().unwrap_or("") {
        _ if path == "client.agencies_involved" => 4,
        "client" => 0,
        "child[]" => 2,
        "perpetrator" => 3,
        "risk[]" => 5,
        "marac[]" => 6,
        _ => 7,
    };
    let titles = [
        "About the person",
        "",
        "Children",
        "Person causing harm",
        "Agencies involved",
        "Risk (latest assessment)",
        "MARAC referral (latest)",
        "Other",
    ];
    for (n, title) in titles.iter().enumerate() {
        let mut in_section = view.fields_besides_contacts().filter(|f| section_of(f.path) == n).peekable();
        if in_section.peek().is_none() {
            continue;
        }
        w.gap(3.0);
        w.line(title, 12.0, true);
        for f in in_section {
            w.para(&format!("{}: {}", f.label, f.value), 10.0, false, 0);
        }
    }

    if !view.excerpts().is_empty() {
        w.gap(3.0);
        w.line("From the case notes (excerpts)", 12.0, true);
        for e in view.excerpts() {
            w.para(&format!("Note {} ({})", e.note_id, e.date), 10.0, true, 0);
            w.para(&e.text, 10.0, false, 2);
        }
    }

    proof(&mut w, env);
    finish(w)
}

/// The closing lines of every PDF: where the sender's proof of the file is.
fn proof(w: &mut Writer, env: &Envelope) {
    w.gap(4.0);
    w.para(
        &format!(
            "Disclosure record {}. Casekeep's log chain head when this was made: {}; \
             the log's root key: {}. The sender can prove from their log that this file is \
             what was shared.",
            env.disclosure_id, env.log_chain_head, env.vault_root_key
        ),
        8.0,
        false,
        0,
    );
}

fn finish(w: Writer) -> Result<Rendered> {
    let mut bytes = Vec::new();
    {
        let mut out = BufWriter::new(&mut bytes);
        w.doc.save(&mut out).map_err(pdf_err)?;
    }
    Ok(Rendered { bytes, text: w.drawn })
}

/// The MARAC referral: what a coordinator acts on, first — the referrer and how to reach
/// them, the referral (date, reason, whether the person knows of it, score and criteria),
/// the high-risk indicators answered "yes" (when the vault's MARAC setting sends them) —
/// then the person, the children and the person causing harm as tables, the risk, the
/// meeting, and the full checklist where the setting attaches it. Every value comes from
/// the view (the MARAC profile decided what is in it); labels carry no group prefix.
fn marac_referral(w: &mut Writer, view: &RedactedView, env: &Envelope) {
    let fields: Vec<&SharedField> = view.fields_besides_contacts().collect();
    let value = |path: &str| fields.iter().find(|f| f.path == path).map(|f| f.value.as_str());
    let group = |prefix: &str| -> Vec<&SharedField> {
        fields.iter().copied().filter(|f| f.path.starts_with(prefix)).collect()
    };
    let rows = |w: &mut Writer, list: &[&SharedField]| {
        for f in list {
            w.row(&short_label(&f.label), &f.value);
        }
    };

    w.para("MARAC referral", 16.0, true, 0);
    w.para(view.recipient_label(), 10.0, false, 0);
    w.gap(1.0);
    w.do_not_contact(view);
    w.safe_contacts(view);

    w.heading("Referrer");
    let not_set = "Not set in Casekeep: ask the referrer";
    match &env.referrer {
        Some(r) => {
            w.row("Name", &r.name);
            w.row("Role", r.role.as_deref().unwrap_or(not_set));
            w.row("Agency", r.agency.as_deref().unwrap_or(not_set));
            w.row("Phone", r.phone.as_deref().unwrap_or(not_set));
            w.row("Secure e-mail", r.secure_email.as_deref().unwrap_or(not_set));
            if let Some(missing) = &r.missing {
                w.para(&format!("{missing}."), 9.0, false, 0);
            }
        }
        None => {
            w.row("Name", &env.made_by);
            w.para(
                "The referrer's role, agency, phone and secure e-mail are not set in Casekeep.",
                9.0,
                false,
                0,
            );
        }
    }
    if let Some(ct) = view.contact_through() {
        // The referrer's agency is in the block above (or said to be not set): never
        // "agency not set" here.
        w.para(
            &format!(
                "Do not contact the person directly: contact them through {}, the referrer.",
                ct.caseworker
            ),
            10.0,
            false,
            0,
        );
    }

    w.heading("Referral");
    let date = value("marac[].referred_on")
        .map_or_else(|| env.made_at.get(..10).unwrap_or(&env.made_at).to_string(), str::to_string);
    w.row("Date of referral", &date);
    if let Some(reason) = value("marac[].reason") {
        w.row("Reason for referral", reason);
    }
    let aware = match value("marac[].victim_aware") {
        Some("yes") => "Yes",
        Some("no") => "No — do not tell them of the referral or the meeting",
        _ => "Not recorded — ask the referrer before contacting the person",
    };
    w.row("Victim aware of referral", aware);
    for (label, path) in [
        ("Score", "marac[].score"),
        ("Criteria met", "marac[].criteria_met"),
        ("Repeat referral", "marac[].repeat"),
        ("Referred by", "marac[].referred_by"),
    ] {
        if let Some(v) = value(path) {
            w.row(label, v);
        }
    }
    w.row("Purpose", view.purpose());
    if let Some(name) = view.recipient_name() {
        w.row("For", name);
    }

    let answers = value("risk[].answers");
    let (indicators, all) = match answers.and_then(|a| a.strip_prefix(INDICATORS_HEAD)) {
        Some(rest) => match rest.split_once(ALL_ANSWERS_HEAD) {
            Some((yes, all)) => (Some(yes.trim()), Some(all.trim())),
            None => (Some(rest.trim()), None),
        },
        None => (None, None),
    };
    w.heading("High-risk indicators answered yes");
    match indicators {
        Some("none") => w.para("None of the 24 questions was answered yes.", 10.0, false, 0),
        Some(list) => w.para(list, 10.0, false, 0),
        None => w.para(
            "Not attached: this vault sends the score, level and criteria met, not the checklist's answers.",
            10.0,
            false,
            0,
        ),
    }

    let client = group("client.");
    let (agencies, about): (Vec<&SharedField>, Vec<&SharedField>) =
        client.into_iter().partition(|f| f.path == "client.agencies_involved");
    if !about.is_empty() {
        w.heading("Victim");
        rows(w, &about);
    }
    let children = group("child[].");
    if !children.is_empty() {
        w.heading("Children");
        let mut last = None;
        for f in children {
            if f.item != last {
                last = f.item;
                w.gap(0.5);
                w.line(&format!("Child {}", f.item.unwrap_or(1)), 10.5, true);
            }
            w.row(&short_label(&f.label), &f.value);
        }
    }
    let perpetrator = group("perpetrator.");
    if !perpetrator.is_empty() {
        w.heading("Person causing harm");
        rows(w, &perpetrator);
    }
    if !agencies.is_empty() {
        w.heading("Agencies involved");
        rows(w, &agencies);
    }
    let risk: Vec<&SharedField> =
        group("risk[].").into_iter().filter(|f| f.path != "risk[].answers").collect();
    if !risk.is_empty() {
        w.heading("Risk (latest assessment)");
        rows(w, &risk);
    }
    let meeting: Vec<&SharedField> = group("marac[].")
        .into_iter()
        .filter(|f| matches!(f.path, "marac[].meeting_date" | "marac[].agencies_present" | "marac[].actions"))
        .collect();
    if !meeting.is_empty() {
        w.heading("Meeting");
        rows(w, &meeting);
    }
    let other: Vec<&SharedField> = fields
        .iter()
        .copied()
        .filter(|f| {
            !["client.", "child[].", "perpetrator.", "risk[].", "marac[]."]
                .iter()
                .any(|p| f.path.starts_with(p))
        })
        .collect();
    if !other.is_empty() {
        w.heading("Other");
        rows(w, &other);
    }
    if !view.excerpts().is_empty() {
        w.heading("From the case notes (excerpts)");
        for e in view.excerpts() {
            w.para(&format!("Note {} ({})", e.note_id, e.date), 10.0, true, 0);
            w.para(&e.text, 10.0, false, 2);
        }
    }
    if let Some(all) = all {
        w.heading("The full risk checklist (all 24 answers)");
        w.para(all, 9.5, false, 0);
    }
    w.gap(3.0);
    w.para(
        "Shared on a need-to-know basis. Do not pass it on without the sender's agreement. \
         It contains only what MARAC needs: anything not shown was not shared.",
        9.0,
        false,
        0,
    );
    proof(w, env);
}
