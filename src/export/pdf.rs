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
use crate::error::{Error, Result};
use crate::policy::RedactedView;

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

    let mut bytes = Vec::new();
    {
        let mut out = BufWriter::new(&mut bytes);
        w.doc.save(&mut out).map_err(pdf_err)?;
    }
    Ok(Rendered { bytes, text: w.drawn })
}
