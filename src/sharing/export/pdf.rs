//! The PDF summary: A4, tagged (a structure tree of headings, paragraphs, lists and the
//! MARAC referral's label/value tables; language en-GB; checked by krilla's PDF/UA-1
//! validator), text shaped by krilla's rustybuzz with font fallback by script (DejaVu
//! Sans, then Noto for Arabic, Hebrew, Bengali, Gujarati and Gurmukhi), mixed-direction
//! lines split into runs by `unicode-bidi`, and lines broken by the shaped width. The
//! fonts are subset per document by krilla. No personal data in the document information:
//! its title is "Casekeep disclosure". The marking and the footer are artifacts.

use std::num::NonZeroU16;
use std::ops::Range;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};
use unicode_bidi::{BidiInfo, Level};

use super::{Envelope, MARKING};
use crate::log::vocab::RecipientKind;
use crate::sharing::policy::{RedactedView, SharedField, ALL_ANSWERS_HEAD, INDICATORS_HEAD};
use crate::support::error::{Error, Result};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-subset.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold-subset.ttf");
const ARABIC: &[u8] = include_bytes!("../../../assets/fonts/NotoNaskhArabic-Regular.ttf");
const HEBREW: &[u8] = include_bytes!("../../../assets/fonts/NotoSansHebrew-Regular.ttf");
const BENGALI: &[u8] = include_bytes!("../../../assets/fonts/NotoSansBengali-Regular.ttf");
const GUJARATI: &[u8] = include_bytes!("../../../assets/fonts/NotoSansGujarati-Regular.ttf");
const GURMUKHI: &[u8] = include_bytes!("../../../assets/fonts/NotoSansGurmukhi-Regular.ttf");

/// The document information's title: generic, never a name or a record value.
pub const TITLE: &str = "Casekeep disclosure";
/// The document's language.
pub const LANG: &str = "en-GB";

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// The left and the right margin: no text is drawn right of `PAGE_W - MARGIN`.
pub const MARGIN: f32 = 20.0;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE_W - MARGIN;
const TOP: f32 = 270.0;
const BOTTOM: f32 = 25.0;
/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
/// One level of indent.
const INDENT_MM: f32 = 2.0;

fn pdf_err(_: impl std::fmt::Debug) -> Error {
    Error::Storage("could not build the PDF".into())
}

/// One font: krilla's handle (what is embedded and subset) and rustybuzz's (what shapes).
struct Face {
    font: Font,
    rb: rustybuzz::Face<'static>,
}

/// The fonts, in fallback order after the regular or bold DejaVu Sans.
struct Fonts {
    faces: Vec<Face>,
}

const F_REGULAR: usize = 0;
const F_BOLD: usize = 1;
const F_ARABIC: usize = 2;
const F_HEBREW: usize = 3;
const F_BENGALI: usize = 4;
const F_GUJARATI: usize = 5;
const F_GURMUKHI: usize = 6;

/// A shaped run of one font, placed `x` (in em) from the start of its line.
struct Piece {
    face: usize,
    text: String,
    glyphs: Vec<KrillaGlyph>,
    x: f32,
}

impl Fonts {
    fn load() -> Result<Self> {
        let mut faces = Vec::new();
        for data in [REGULAR, BOLD, ARABIC, HEBREW, BENGALI, GUJARATI, GURMUKHI] {
            let font = Font::new(Data::from(data), 0).ok_or_else(|| pdf_err(()))?;
            let rb = rustybuzz::Face::from_slice(data, 0).ok_or_else(|| pdf_err(()))?;
            faces.push(Face { font, rb });
        }
        Ok(Self { faces })
    }

    fn covers(&self, face: usize, c: char) -> bool {
        self.faces.get(face).is_some_and(|f| f.rb.glyph_index(c).is_some())
    }

    /// The font a character is drawn in: its script's Noto font where it has one, a
    /// space or joiner or mark in the font of the run it is in, else the first font of
    /// the list that has it (DejaVu Sans first).
    fn pick(&self, c: char, current: Option<usize>, base: usize) -> usize {
        let script = match u32::from(c) {
            0x0590..=0x05FF | 0xFB1D..=0xFB4F => Some(F_HEBREW),
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Some(F_ARABIC)
            }
            0x0980..=0x09FF => Some(F_BENGALI),
            0x0A00..=0x0A7F => Some(F_GURMUKHI),
            0x0A80..=0x0AFF => Some(F_GUJARATI),
            _ => None,
        };
        if let Some(f) = script.filter(|f| self.covers(*f, c)) {
            return f;
        }
        let neutral = c.is_whitespace()
            || matches!(c, '\u{200c}' | '\u{200d}' | '\u{0964}' | '\u{0965}')
            || ('\u{0300}'..='\u{036f}').contains(&c);
        if let Some(f) = current.filter(|f| neutral && self.covers(*f, c)) {
            return f;
        }
        if self.covers(base, c) {
            return base;
        }
        (F_ARABIC..self.faces.len()).find(|f| self.covers(*f, c)).unwrap_or(base)
    }

    /// Whether a character can be drawn: a font has it, or the shaper hides it (a
    /// zero-width or bidi control character, a variation selector).
    fn drawable(&self, c: char) -> bool {
        matches!(u32::from(c), 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF)
            || (F_REGULAR..self.faces.len()).any(|f| self.covers(f, c))
    }

    /// `text` split into runs of one font each (byte ranges, in logical order).
    fn segments(&self, text: &str, bold: bool) -> Vec<(usize, Range<usize>)> {
        let base = if bold { F_BOLD } else { F_REGULAR };
        let mut out: Vec<(usize, Range<usize>)> = Vec::new();
        for (i, c) in text.char_indices() {
            let face = self.pick(c, out.last().map(|s| s.0), base);
            match out.last_mut() {
                Some((f, r)) if *f == face => r.end = i + c.len_utf8(),
                _ => out.push((face, i..i + c.len_utf8())),
            }
        }
        out
    }

    /// `text` shaped in one font and direction; advances in em.
    fn shape(&self, face: usize, text: &str, rtl: bool) -> Vec<KrillaGlyph> {
        let Some(f) = self.faces.get(face) else { return Vec::new() };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        let out = rustybuzz::shape(&f.rb, &[], buffer);
        let upem = f.rb.units_per_em().max(1) as f32;
        let mut starts: Vec<usize> = out.glyph_infos().iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, p)| {
                let start = info.cluster as usize;
                let end = starts.iter().copied().find(|c| *c > start).unwrap_or(text.len());
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    p.x_advance as f32 / upem,
                    p.x_offset as f32 / upem,
                    p.y_offset as f32 / upem,
                    p.y_advance as f32 / upem,
                    start..end,
                    None,
                )
            })
            .collect()
    }

    /// One line laid out: its runs in visual order (the bidi algorithm's runs, each split
    /// by font and shaped in its direction) and its width in em.
    fn layout(&self, line: &str, bold: bool) -> (Vec<Piece>, f32) {
        // A character no font has is drawn as U+FFFD (a PDF/UA file may not show the
        // .notdef glyph); the JSON keeps it exact, and the firewall scans the text as given.
        let line: String = line.chars().map(|c| if self.drawable(c) { c } else { '\u{fffd}' }).collect();
        let line = line.as_str();
        let mut pieces = Vec::new();
        let mut x = 0.0;
        let bidi = BidiInfo::new(line, Some(Level::ltr()));
        for para in &bidi.paragraphs {
            let (levels, runs) = bidi.visual_runs(para, para.range.clone());
            for run in runs {
                let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
                let Some(sub) = line.get(run.clone()) else { continue };
                let mut segments = self.segments(sub, bold);
                if rtl {
                    segments.reverse();
                }
                for (face, r) in segments {
                    let Some(text) = sub.get(r) else { continue };
                    let glyphs = self.shape(face, text, rtl);
                    let width: f32 = glyphs.iter().map(|g| g.x_advance).sum();
                    pieces.push(Piece { face, text: text.to_string(), glyphs, x });
                    x += width;
                }
            }
        }
        (pieces, x)
    }

    /// `text`'s width in points at `size`, as drawn.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.layout(text, bold).1 * size
    }

    /// `text` broken into lines no wider than `max` points by the shaped width: at spaces,
    /// a word wider than a line cut where it must; each of `text`'s own lines apart. A
    /// no-break space (see [`keep_together`]) joins words and is drawn as a space.
    fn wrap(&self, text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let fits = |s: &str| self.width(s, size, bold) <= max;
        let mut out = Vec::new();
        for raw in text.lines() {
            let mut current = String::new();
            for word in raw.split_ascii_whitespace() {
                let word = word.replace(NBSP, " ");
                let candidate = if current.is_empty() { word.clone() } else { format!("{current} {word}") };
                if fits(&candidate) {
                    current = candidate;
                    continue;
                }
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                let mut rest = word;
                while !fits(&rest) {
                    let cut = self.longest_fitting(&rest, &fits);
                    let (head, tail) = rest.split_at(cut);
                    out.push(head.to_string());
                    rest = tail.to_string();
                }
                current = rest;
            }
            out.push(current);
        }
        out
    }

    /// The byte length of `word`'s longest prefix that fits (one character at least).
    fn longest_fitting(&self, word: &str, fits: &dyn Fn(&str) -> bool) -> usize {
        let ends: Vec<usize> = word.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        let (mut lo, mut hi) = (0usize, ends.len());
        // Invariant: the prefix to ends[lo - 1] fits (or lo == 0); ends[hi..] do not.
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let end = ends.get(mid - 1).copied().unwrap_or(word.len());
            if fits(word.get(..end).unwrap_or(word)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        ends.get(lo.max(1) - 1).copied().unwrap_or(word.len())
    }
}

/// A structure element of the tag tree.
enum Kind {
    H(u16, String),
    P,
    L,
    Li,
    LBody,
    Table,
    Tr,
    Th,
    Td,
}

impl Kind {
    fn tag(&self) -> TagKind {
        match self {
            Kind::H(level, title) => {
                Tag::Hn(NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN), Some(title.clone())).into()
            }
            Kind::P => Tag::P.into(),
            Kind::L => Tag::L(ListNumbering::None).into(),
            Kind::Li => Tag::LI.into(),
            Kind::LBody => Tag::LBody.into(),
            Kind::Table => Tag::Table.into(),
            Kind::Tr => Tag::TR.into(),
            Kind::Th => Tag::TH(TableHeaderScope::Row).into(),
            Kind::Td => Tag::TD.into(),
        }
    }
}

enum SNode {
    Group(Kind, Vec<SNode>),
    /// Marked content: the n-th string drawn as content.
    Leaf(usize),
}

enum Mark {
    Leaf(usize),
    Header,
    Footer,
}

/// What is drawn on a page (positions in mm from the page's bottom left).
enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, colour: (u8, u8, u8), text: String, mark: Mark },
    Frame { left: f32, bottom: f32, right: f32, top: f32 },
}

struct Writer {
    fonts: Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    colour: (u8, u8, u8),
    footer: String,
    /// Every string drawn, in order, for the firewall's scan of the text layer.
    drawn: Vec<String>,
    root: Vec<SNode>,
    stack: Vec<(Kind, Vec<SNode>)>,
    leaves: usize,
    /// (level, title, page index, y) of each H1 and H2, for the outline.
    outline: Vec<(u16, String, usize, f32)>,
}

impl Writer {
    fn page(&self) -> usize {
        self.pages.len()
    }

    fn push(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    fn frame(&mut self) {
        // Marking at the top and bottom of every page, as government marking guidance asks.
        let footer = format!("{}  ·  page {}", self.footer, self.page());
        for (y, size, bold, text, mark) in [
            (PAGE_H - 12.0, 10.0, true, MARKING.to_string(), Mark::Header),
            (10.0, 10.0, true, MARKING.to_string(), Mark::Footer),
            (15.0, 7.5, false, footer, Mark::Footer),
        ] {
            self.drawn.push(text.clone());
            self.push(Op::Text { x: LEFT, y, size, bold, colour: BLACK, text, mark });
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        self.frame();
    }

    fn need(&mut self, mm: f32) {
        if self.y - mm < BOTTOM {
            self.new_page();
        }
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }

    fn open(&mut self, kind: Kind) {
        self.stack.push((kind, Vec::new()));
    }

    fn close(&mut self) {
        if let Some((kind, kids)) = self.stack.pop() {
            self.attach(SNode::Group(kind, kids));
        }
    }

    fn attach(&mut self, node: SNode) {
        match self.stack.last_mut() {
            Some((_, kids)) => kids.push(node),
            None => self.root.push(node),
        }
    }

    /// Ends a table of rows, if one is open: anything but a row ends it.
    fn end_table(&mut self) {
        if matches!(self.stack.last(), Some((Kind::Table, _))) {
            self.close();
        }
    }

    /// Draws `text` as content at `x` on the current line; its leaf in the tag tree.
    fn emit(&mut self, x: f32, text: &str, size: f32, bold: bool) -> Option<SNode> {
        if text.trim().is_empty() {
            return None;
        }
        let leaf = self.leaves;
        self.leaves += 1;
        self.drawn.push(text.to_string());
        let colour = self.colour;
        self.push(Op::Text {
            x,
            y: self.y,
            size,
            bold,
            colour,
            text: text.to_string(),
            mark: Mark::Leaf(leaf),
        });
        Some(SNode::Leaf(leaf))
    }

    /// `text` wrapped to the column from `LEFT + indent` to the right margin.
    fn lines(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let x = LEFT + indent;
        let step = size * 0.45 + 1.2;
        for line in self.fonts.wrap(text, size, bold, (RIGHT - x) * MM) {
            self.need(step);
            if let Some(node) = self.emit(x, &line, size, bold) {
                self.attach(node);
            }
            self.y -= step;
        }
    }

    /// A paragraph, wrapped by its shaped width (`indent` levels in).
    fn para(&mut self, text: &str, size: f32, bold: bool, indent: usize) {
        self.end_table();
        self.open(Kind::P);
        self.lines(text, size, bold, indent as f32 * INDENT_MM);
        self.close();
    }

    /// A heading of `level` (1 to 3), in bold.
    fn heading(&mut self, level: u16, title: &str, size: f32) {
        self.end_table();
        self.need(size * 0.45 + 1.2);
        if level <= 2 {
            self.outline.push((
                level,
                title.to_string(),
                self.page().saturating_sub(1),
                self.y + size * 0.35,
            ));
        }
        self.open(Kind::H(level, title.to_string()));
        self.lines(title, size, true, 0.0);
        self.close();
    }

    /// A section heading (H2).
    fn section(&mut self, title: &str) {
        self.gap(3.0);
        self.need(14.0);
        self.heading(2, title, 12.0);
        self.gap(0.5);
    }

    /// A list: each item a paragraph.
    fn list(&mut self, items: &[&str], size: f32) {
        self.end_table();
        self.open(Kind::L);
        for item in items {
            self.open(Kind::Li);
            self.open(Kind::LBody);
            self.para(item, size, false, 0);
            self.close();
            self.close();
        }
        self.close();
    }

    /// One row of a two-column table: the label in bold on the left, the value wrapped in
    /// the column on the right (each of the value's lines on lines of its own). Rows in a
    /// run make one table (tagged Table, TR, TH for the label, TD for the value).
    fn row(&mut self, label: &str, value: &str) {
        const SIZE: f32 = 10.0;
        const VALUE_X: f32 = LEFT + 58.0;
        if !matches!(self.stack.last(), Some((Kind::Table, _))) {
            self.open(Kind::Table);
        }
        let step = SIZE * 0.45 + 1.2;
        let labels = self.fonts.wrap(label, SIZE, true, (VALUE_X - LEFT - 3.0) * MM);
        let values = self.fonts.wrap(&keep_phone_together(value), SIZE, false, (RIGHT - VALUE_X) * MM);
        let lines = labels.len().max(values.len()).max(1);
        // A row of up to a few lines stays on one page.
        self.need(step * (lines.min(6) as f32) + 1.0);
        let (mut th, mut td) = (Vec::new(), Vec::new());
        for n in 0..lines {
            if n > 0 {
                self.need(step);
            }
            if let Some(l) = labels.get(n) {
                th.extend(self.emit(LEFT, l, SIZE, true));
            }
            if let Some(v) = values.get(n) {
                td.extend(self.emit(VALUE_X, v, SIZE, false));
            }
            self.y -= step;
        }
        self.attach(SNode::Group(Kind::Tr, vec![SNode::Group(Kind::Th, th), SNode::Group(Kind::Td, td)]));
        self.y -= 1.0;
    }

    /// The do-not-contact block: first on the page, in dark red inside a thick red frame;
    /// its entries a list.
    fn do_not_contact(&mut self, view: &RedactedView) {
        let list = view.do_not_contact();
        if list.is_empty() {
            return;
        }
        self.end_table();
        // The block is kept on one page (a frame cannot cross a page break).
        let lines: f32 = list.iter().map(|d| 2.0 + f32::from(d.reason.is_some())).sum();
        self.need(12.0 + lines * 6.0);
        self.gap(2.0);
        let (page, top) = (self.page(), self.y + 6.0);
        self.colour = DARK_RED;
        self.heading(2, "DO NOT CONTACT ON THESE", 13.0);
        self.gap(1.0);
        self.open(Kind::L);
        for d in list {
            let value = d.value.as_deref().map(keep_together);
            let warning = match (&d.value, value) {
                (Some(v), Some(kept)) => d.warning.replacen(v.as_str(), &kept, 1),
                _ => d.warning.clone(),
            };
            self.open(Kind::Li);
            self.open(Kind::LBody);
            self.para(&format!("✖ {warning}."), 10.5, true, 0);
            self.colour = BLACK;
            if let Some(reason) = &d.reason {
                self.para(&format!("Why: {reason}"), 10.0, false, 3);
            }
            self.colour = DARK_RED;
            self.close();
            self.close();
            self.gap(1.0);
        }
        self.close();
        self.colour = BLACK;
        if self.page() == page {
            let bottom = self.y + 1.5;
            self.push(Op::Frame { left: LEFT - 3.0, bottom, right: RIGHT + 3.0, top });
        }
        self.gap(3.0);
    }

    /// The safe route: each safe contact with its times and flags as instructions, a list.
    fn safe_contacts(&mut self, view: &RedactedView) {
        let list = view.safe_contacts();
        if list.is_empty() {
            return;
        }
        self.gap(3.0);
        self.heading(2, "How to contact safely", 12.0);
        self.open(Kind::L);
        for (n, c) in list.iter().enumerate() {
            let channel = c.channel.as_deref().map(|ch| format!(" ({ch})")).unwrap_or_default();
            let head = match &c.value {
                Some(v) => format!("Safe contact {}: {}{channel}", n + 1, keep_together(v)),
                None => format!("Safe contact {}{channel}", n + 1),
            };
            self.open(Kind::Li);
            self.open(Kind::LBody);
            self.para(&head, 10.5, true, 0);
            for i in &c.instructions {
                self.para(i, 10.0, false, 3);
            }
            if let Some(d) = &c.last_confirmed {
                self.para(&format!("Last confirmed safe: {d}."), 10.0, false, 3);
            }
            self.close();
            self.close();
            self.gap(1.0);
        }
        self.close();
    }

    /// The document: pages drawn (each string shaped again from its runs), the tag tree,
    /// the outline and the document information, through krilla's PDF/UA-1 validator.
    fn finish(mut self) -> Result<Rendered> {
        while !self.stack.is_empty() {
            self.close();
        }
        let configuration = ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(pdf_err)?;
        let settings =
            SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
        let mut doc = Document::new_with(settings);
        let mut ids: Vec<Option<Identifier>> = (0..self.leaves).map(|_| None).collect();
        let size = PageSettings::from_wh(PAGE_W * MM, PAGE_H * MM).ok_or_else(|| pdf_err(()))?;
        for ops in &self.pages {
            let mut page = doc.start_page_with(size.clone());
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text { x, y, size, bold, colour, text, mark } => {
                        let tag = match mark {
                            Mark::Leaf(_) => ContentTag::Span(SpanTag::empty()),
                            Mark::Header => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Header)),
                            Mark::Footer => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Footer)),
                        };
                        let id = surface.start_tagged(tag);
                        surface.set_fill(Some(Fill {
                            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                            ..Fill::default()
                        }));
                        let (pieces, _) = self.fonts.layout(text, *bold);
                        for p in pieces {
                            let Some(face) = self.fonts.faces.get(p.face) else { continue };
                            let at = Point::from_xy(x * MM + p.x * size, (PAGE_H - y) * MM);
                            surface.draw_glyphs(at, &p.glyphs, face.font.clone(), &p.text, *size, false);
                        }
                        surface.end_tagged();
                        if let Some(slot) = leaf_of(mark).and_then(|n| ids.get_mut(n)) {
                            *slot = Some(id);
                        }
                    }
                    Op::Frame { left, bottom, right, top } => {
                        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Other)));
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(191, 0, 0).into(),
                            width: 2.5,
                            ..Stroke::default()
                        }));
                        let mut pb = PathBuilder::new();
                        if let Some(rect) = Rect::from_ltrb(
                            left * MM,
                            (PAGE_H - top) * MM,
                            right * MM,
                            (PAGE_H - bottom) * MM,
                        ) {
                            pb.push_rect(rect);
                        }
                        if let Some(path) = pb.finish() {
                            surface.draw_path(&path);
                        }
                        surface.set_stroke(None);
                        surface.end_tagged();
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        let mut tree = TagTree::new().with_lang(Some(LANG.to_string()));
        for node in std::mem::take(&mut self.root) {
            if let Some(n) = to_node(node, &mut ids) {
                tree.push(n);
            }
        }
        doc.set_tag_tree(tree);
        let mut outline = Outline::new();
        let mut current: Option<OutlineNode> = None;
        for (level, title, page, y) in &self.outline {
            let node = OutlineNode::new(
                title.clone(),
                XyzDestination::new(*page, Point::from_xy(LEFT * MM, (PAGE_H - y) * MM)),
            );
            match (level, current.as_mut()) {
                (2, Some(parent)) => parent.push_child(node),
                _ => {
                    if let Some(done) = current.replace(node) {
                        outline.push_child(done);
                    }
                }
            }
        }
        if let Some(done) = current {
            outline.push_child(done);
        }
        doc.set_outline(outline);
        doc.set_metadata(
            Metadata::new()
                .title(TITLE.to_string())
                .language(LANG.to_string())
                .creator("Casekeep".to_string()),
        );
        let bytes = doc.finish().map_err(pdf_err)?;
        Ok(Rendered { bytes, text: self.drawn })
    }
}

fn leaf_of(mark: &Mark) -> Option<usize> {
    match mark {
        Mark::Leaf(n) => Some(*n),
        Mark::Header | Mark::Footer => None,
    }
}

/// A node of the tag tree, without groups left empty (a paragraph of blank lines).
fn to_node(node: SNode, ids: &mut [Option<Identifier>]) -> Option<Node> {
    match node {
        SNode::Leaf(n) => ids.get_mut(n).and_then(Option::take).map(Node::from),
        SNode::Group(kind, kids) => {
            let children: Vec<Node> = kids.into_iter().filter_map(|k| to_node(k, ids)).collect();
            if children.is_empty() {
                return None;
            }
            Some(TagGroup::with_children(kind.tag(), children).into())
        }
    }
}

const NBSP: char = '\u{a0}';
const DARK_RED: (u8, u8, u8) = (166, 0, 0);
const BLACK: (u8, u8, u8) = (0, 0, 0);

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
    let head: String = env.log_chain_head.chars().take(16).collect();
    let mut w = Writer {
        fonts: Fonts::load()?,
        pages: Vec::new(),
        y: TOP,
        colour: BLACK,
        footer: format!("Disclosure record {} · log chain head {head}… · Casekeep", env.disclosure_id),
        drawn: vec![TITLE.to_string()],
        root: Vec::new(),
        stack: Vec::new(),
        leaves: 0,
        outline: Vec::new(),
    };
    w.new_page();
    if view.recipient() == RecipientKind::Marac {
        marac_referral(&mut w, view, env);
        return w.finish();
    }

    w.heading(1, &format!("Information shared with {}", view.recipient_label()), 15.0);
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
        w.heading(2, "Contact", 12.0);
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
        w.heading(2, title, 12.0);
        for f in in_section {
            w.para(&format!("{}: {}", f.label, f.value), 10.0, false, 0);
        }
    }

    if !view.excerpts().is_empty() {
        w.gap(3.0);
        w.heading(2, "From the case notes (excerpts)", 12.0);
        for e in view.excerpts() {
            w.para(&format!("Note {} ({})", e.note_id, e.date), 10.0, true, 0);
            w.para(&e.text, 10.0, false, 2);
        }
    }

    proof(&mut w, env);
    w.finish()
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

    w.heading(1, "MARAC referral", 16.0);
    w.para(view.recipient_label(), 10.0, false, 0);
    w.gap(1.0);
    w.do_not_contact(view);
    w.safe_contacts(view);

    w.section("Referrer");
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

    w.section("Referral");
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
    w.section("High-risk indicators answered yes");
    match indicators {
        Some("none") => w.para("None of the 24 questions was answered yes.", 10.0, false, 0),
        Some(list) => {
            w.list(&list.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(), 10.0)
        }
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
        w.section("Victim");
        rows(w, &about);
    }
    let children = group("child[].");
    if !children.is_empty() {
        w.section("Children");
        let mut last = None;
        for f in children {
            if f.item != last {
                last = f.item;
                w.gap(0.5);
                w.heading(3, &format!("Child {}", f.item.unwrap_or(1)), 10.5);
            }
            w.row(&short_label(&f.label), &f.value);
        }
    }
    let perpetrator = group("perpetrator.");
    if !perpetrator.is_empty() {
        w.section("Person causing harm");
        rows(w, &perpetrator);
    }
    if !agencies.is_empty() {
        w.section("Agencies involved");
        rows(w, &agencies);
    }
    let risk: Vec<&SharedField> =
        group("risk[].").into_iter().filter(|f| f.path != "risk[].answers").collect();
    if !risk.is_empty() {
        w.section("Risk (latest assessment)");
        rows(w, &risk);
    }
    let meeting: Vec<&SharedField> = group("marac[].")
        .into_iter()
        .filter(|f| matches!(f.path, "marac[].meeting_date" | "marac[].agencies_present" | "marac[].actions"))
        .collect();
    if !meeting.is_empty() {
        w.section("Meeting");
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
        w.section("Other");
        rows(w, &other);
    }
    if !view.excerpts().is_empty() {
        w.section("From the case notes (excerpts)");
        for e in view.excerpts() {
            w.para(&format!("Note {} ({})", e.note_id, e.date), 10.0, true, 0);
            w.para(&e.text, 10.0, false, 2);
        }
    }
    if let Some(all) = all {
        w.section("The full risk checklist (all 24 answers)");
        w.list(&all.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(), 9.5);
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

#[cfg(test)]
mod tests {
    //! Names in each script of UK casework drawn through the same path as an export
    //! (paragraph, wrap, bidi runs, font fallback, shaping), rendered by poppler's
    //! `pdftoppm` and compared with the reference images in tests/it/pdf_refs (looked at
    //! by eye when made: right-to-left order, joined Arabic, conjuncts). A missing or
    //! different image is written to target/pdf-refs-new for a person to look at.
    #![allow(clippy::disallowed_methods)]
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// Synthetic names (no real person), each after an English label: a mixed-direction line.
    const SAMPLES: &[(&str, &str)] = &[
        ("arabic", "Name: أمينة حسن (client)"),
        ("hebrew", "Name: מרים לוי (client)"),
        ("urdu", "Name: عائشہ خان (client)"),
        ("bengali", "Name: শ্রাবন্তী দত্ত"),
        ("gujarati", "Name: ક્રિષ્ના પટેલ"),
        ("punjabi", "Name: ਪ੍ਰੀਤ ਕੌਰ ਸੰਧੂ"),
        ("polish", "Name: Zofia Łęcka-Wójcik, Źdźbłowo"),
        ("romanian", "Name: Ioana Ștefănescu-Țurcanu"),
    ];

    fn writer() -> Writer {
        Writer {
            fonts: Fonts::load().unwrap(),
            pages: Vec::new(),
            y: TOP,
            colour: BLACK,
            footer: "Sample".into(),
            drawn: Vec::new(),
            root: Vec::new(),
            stack: Vec::new(),
            leaves: 0,
            outline: Vec::new(),
        }
    }

    fn sample_pdf(text: &str) -> Vec<u8> {
        let mut w = writer();
        w.new_page();
        w.heading(1, "Sample", 12.0);
        w.para(text, 16.0, false, 0);
        w.finish().unwrap().bytes
    }

    /// The band of page 1 that holds the sample line, in grey levels at 72 dpi.
    fn band(pdf: &[u8], dir: &Path) -> (u32, u32, Vec<u8>) {
        let input = dir.join("in.pdf");
        std::fs::write(&input, pdf).unwrap();
        let out = dir.join("out");
        let ok = Command::new("pdftoppm")
            .args(["-r", "72", "-gray", "-singlefile", "-x", "40", "-y", "80", "-W", "380", "-H", "40"])
            .arg(&input)
            .arg(&out)
            .status()
            .expect("pdftoppm (poppler-utils)");
        assert!(ok.success());
        let pgm = std::fs::read(dir.join("out.pgm")).unwrap();
        // P5 <w> <h> <max> then the bytes.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
        }
        assert_eq!(fields[0], "P5");
        let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let data = pgm[at + 1..].to_vec();
        assert_eq!(data.len(), (w * h) as usize);
        (w, h, data)
    }

    fn read_png(path: &Path) -> Option<(u32, u32, Vec<u8>)> {
        let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
        let mut reader = png::Decoder::new(file).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        buf.truncate(info.buffer_size());
        Some((info.width, info.height, buf))
    }

    fn write_png(path: &Path, (w, h, data): &(u32, u32, Vec<u8>)) {
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut enc = png::Encoder::new(file, *w, *h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header().unwrap().write_image_data(data).unwrap();
    }

    #[test]
    fn every_script_is_covered_by_a_font() {
        let fonts = Fonts::load().unwrap();
        for (script, text) in SAMPLES {
            let (pieces, width) = fonts.layout(text, false);
            assert!(width > 1.0, "{script}");
            for p in &pieces {
                assert!(p.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0), "{script}: a box in {:?}", p.text);
            }
            let name = text.trim_start_matches("Name: ");
            let first = name.chars().next().unwrap();
            let used: Vec<usize> = pieces.iter().filter(|p| p.text.contains(first)).map(|p| p.face).collect();
            let want = match *script {
                "arabic" | "urdu" => F_ARABIC,
                "hebrew" => F_HEBREW,
                "bengali" => F_BENGALI,
                "gujarati" => F_GUJARATI,
                "punjabi" => F_GURMUKHI,
                _ => F_REGULAR,
            };
            assert_eq!(used, vec![want], "{script}");
        }
    }

    #[test]
    fn a_character_no_font_has_is_drawn_as_a_replacement_not_a_box() {
        let fonts = Fonts::load().unwrap();
        for text in ["Name: 王秀英", "Name: 김민지 \u{1}", "\u{2028}\u{e000}x", "a\u{200d}b\u{fe0f}"] {
            let (pieces, _) = fonts.layout(text, false);
            assert!(pieces.iter().flat_map(|p| &p.glyphs).all(|g| g.glyph_id.to_u32() != 0), "{text:?}");
            let mut w = writer();
            w.new_page();
            w.para(text, 10.0, false, 0);
            w.finish().unwrap();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Any text at all (controls, private use, unassigned, any script) passes the PDF/UA-1
        /// validator and stays inside the margins.
        #[test]
        fn any_text_renders(text in proptest::prelude::any::<String>(), bold in proptest::prelude::any::<bool>()) {
            let fonts = Fonts::load().unwrap();
            let max = (RIGHT - LEFT) * MM;
            for line in fonts.wrap(&text, 10.0, bold, max) {
                proptest::prop_assert!(fonts.width(&line, 10.0, bold) <= max + 0.01);
            }
            let mut w = writer();
            w.new_page();
            w.heading(1, "Sample", 12.0);
            w.para(&text, 10.0, bold, 0);
            proptest::prop_assert!(w.finish().is_ok());
        }
    }

    #[test]
    fn right_to_left_runs_are_drawn_right_to_left() {
        let fonts = Fonts::load().unwrap();
        // Two Hebrew words: the run is one piece, and its first glyph (leftmost) is the
        // last letter of the second word.
        let (pieces, _) = fonts.layout("Name: מרים לוי", false);
        let hebrew = pieces.iter().find(|p| p.face == F_HEBREW).unwrap();
        let first = hebrew.glyphs.first().unwrap();
        assert_eq!(hebrew.text.get(first.text_range.clone()), Some("י"));
        assert!(pieces.first().unwrap().text.starts_with("Name:"));
    }

    #[test]
    fn names_in_each_script_render_as_the_references() {
        let refs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/pdf_refs");
        let new = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pdf-refs-new");
        let mut failures = Vec::new();
        for (script, text) in SAMPLES {
            let dir = tempfile::tempdir().unwrap();
            let got = band(&sample_pdf(text), dir.path());
            assert!(got.2.iter().filter(|p| **p < 128).count() > 100, "{script}: nothing drawn");
            let path = refs.join(format!("{script}.png"));
            let same = read_png(&path).is_some_and(|want| {
                want.0 == got.0
                    && want.1 == got.1
                    && want.2.iter().zip(&got.2).filter(|(a, b)| a.abs_diff(**b) > 64).count()
                        <= got.2.len() / 100
            });
            if !same {
                std::fs::create_dir_all(&new).unwrap();
                write_png(&new.join(format!("{script}.png")), &got);
                failures.push(*script);
            }
        }
        assert!(
            failures.is_empty(),
            "differ from tests/it/pdf_refs (new images in target/pdf-refs-new): {failures:?}"
        );
    }
}
