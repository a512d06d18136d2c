//! LETTER channel: lays out one dunning letter (window envelope, EPC QR payment box) as a deterministic PDF.
//!
//! Fonts are the unembedded base-14 Helvetica pair with WinAnsiEncoding: no font assets to ship and tiny files, at the
//! price that only Windows-1252 characters print (anything else becomes '?'). Both fonts carry their own AFM width
//! table, so regular and bold text wrap exactly. No timestamps and no /ID are written, so equal content gives equal
//! bytes: the caller hashes the PDF as proof of what was sent.
//!
//! The tenant's SVG logo goes top right on page 1 as a form XObject made by svg2pdf; see `letter_logo` for what of SVG
//! survives and why a bad logo never stops a letter.

use super::letter_logo::{sort_resource_dicts, Logo, LOGO_MAX_H};
use anyhow::{anyhow, bail, Result};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, EcLevel, QrCode, Version};

/// One letter, already localised and formatted by the caller; every string is printed as given.
pub struct LetterContent<'a> {
    /// Tenant's display name, printed bold top left in the brand colour.
    pub sender_name: &'a str,
    /// Brand colour of the letterhead, e.g. from [`parse_hex_color`].
    pub brand_rgb: (u8, u8, u8),
    /// One line: printed under the sender name and as the return-address line in the envelope window.
    pub sender_address: &'a str,
    /// Address lines (name, street, postcode + city, country); blank lines are skipped, at most six may remain.
    pub recipient: Vec<&'a str>,
    /// Already formatted, e.g. "Utrecht, 29 november 2026".
    pub place_and_date: &'a str,
    /// Printed bold above the body.
    pub subject: &'a str,
    /// Paragraphs separated by a blank line ("\n\n"); a single "\n" is a line break.
    pub body: &'a str,
    /// Payment details with the EPC QR code, after the body; `None` for letters that ask for no payment.
    pub payment_box: Option<PaymentBox<'a>>,
    /// Legal footer, small and grey on every page; wraps if long.
    pub footer: &'a str,
    /// E.g. "Kenmerk / Ref: 2026-0042", printed under the date (and in the header of pages 2+).
    pub reference_line: &'a str,
    /// Tenant's logo, printed top right on page 1; `None`, or a logo that gives nothing drawable, prints none.
    pub logo: Option<LetterLogo<'a>>,
}

/// A logo as the tenant uploaded it: SVG prints as vectors, PNG as an image.
#[derive(Clone, Copy)]
pub enum LetterLogo<'a> {
    Svg(&'a str),
    Png(&'a [u8]),
}

/// The grey box that lets the debtor pay by scanning or typing.
pub struct PaymentBox<'a> {
    /// EPC069-12 payload built by the caller; must fit QR version 13 at level M.
    pub epc_payload: &'a str,
    /// Label/value pairs (amount, IBAN, beneficiary, RF reference, login code, website); long values wrap.
    pub lines: Vec<(&'a str, &'a str)>,
    /// Printed under the QR code, e.g. "Scan met uw bank-app".
    pub caption: &'a str,
}

/// Renders the letter to PDF bytes; see [`render_with_stats`] for the page count.
pub fn render(letter: &LetterContent) -> Result<Vec<u8>> {
    render_with_stats(letter).map(|(pdf, _)| pdf)
}

/// Parses "#RRGGBB" (the '#' is optional) into an RGB triple; `None` for anything else.
pub fn parse_hex_color(s: &str) -> Option<(u8, u8, u8)> {
    settle_domain::colour::parse_hex(s)
}

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 20.0 * MM;
const COL_W: f32 = 170.0 * MM;
const WINDOW_W: f32 = 85.0 * MM;
const LEADING: f32 = 14.0;
const SMALL_LEADING: f32 = 9.0;
const BOX_LEADING: f32 = 13.0;
const FOOTER_Y: f32 = 12.0 * MM;
const GREY: f32 = 0.4;
const QR_SIZE: f32 = 35.0 * MM;
const PAD: f32 = 4.0 * MM;
/// Where body text resumes on pages 2+, which carry a one-line header instead of the letterhead.
const CONT_TOP_MM: f32 = 22.0;
/// The logo's box: right-aligned to the text column, in the band 10..25 mm from the top (2 mm clear of the
/// letterhead line at 27 mm); the logo is scaled to fit it, aspect kept, and centred vertically.
const LOGO_BOTTOM_MM: f32 = 25.0;
/// Space kept between the sender name or address and the logo.
const LOGO_GAP: f32 = 5.0 * MM;
const LOGO: Name<'static> = Name(b"Logo");
const NAME: Pen = Pen(BOLD, 14.0);
const SUBJECT: Pen = Pen(BOLD, 11.0);
const BODY: Pen = Pen(REGULAR, 10.5);
const ADDRESS: Pen = Pen(REGULAR, 10.0);
const LABEL: Pen = Pen(REGULAR, 9.5);
const VALUE: Pen = Pen(BOLD, 9.5);
const SENDER: Pen = Pen(REGULAR, 8.0);
const SMALL: Pen = Pen(REGULAR, 7.5);
const RETURN: Pen = Pen(REGULAR, 7.0);

/// Renders the letter and also returns how many pages it took (postage and print cost go by sheet).
pub fn render_with_stats(l: &LetterContent) -> Result<(Vec<u8>, usize)> {
    // Narrower than the column to leave room for the page number at its right.
    let footer = SMALL.wrap(l.footer, COL_W - 15.0 * MM);
    let bottom = FOOTER_Y + footer.len() as f32 * SMALL_LEADING + 6.0 * MM;
    let mut p = Pager {
        done: Vec::new(),
        cur: Content::new(),
        y: from_top(96.0),
        bottom,
    };
    let logo = l.logo.and_then(|g| match g {
        LetterLogo::Svg(svg) => Logo::convert(svg),
        LetterLogo::Png(png) => Logo::from_png(png),
    });
    letterhead(&mut p.cur, l, logo.as_ref())?;
    p.lines(&SUBJECT.wrap(l.subject, COL_W), SUBJECT);
    p.y -= LEADING;
    let body = l.body.replace("\r\n", "\n");
    for para in body.split("\n\n").filter(|s| !s.trim().is_empty()) {
        for line in para.trim_matches('\n').split('\n') {
            p.lines(&BODY.wrap(line, COL_W), BODY);
        }
        p.y -= LEADING;
    }
    if let Some(b) = &l.payment_box {
        payment_box(&mut p, b)?;
    }
    let mut pages = p.done;
    pages.push(p.cur);
    let total = pages.len();
    let header = SMALL.fit(&format!("{}  \u{2022}  {}", l.sender_name, l.reference_line), COL_W);
    for (i, c) in pages.iter_mut().enumerate() {
        c.set_fill_gray(GREY);
        for (j, line) in footer.iter().rev().enumerate() {
            SMALL.draw(c, LEFT, FOOTER_Y + j as f32 * SMALL_LEADING, line);
        }
        if total > 1 {
            let n = format!("{} / {total}", i + 1).into_bytes();
            SMALL.draw(c, LEFT + COL_W - SMALL.width(&n), FOOTER_Y, &n);
        }
        if i > 0 {
            SMALL.draw(c, LEFT, from_top(12.0), &header);
        }
    }
    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let (catalog, tree, regular, bold) = (next.bump(), next.bump(), next.bump(), next.bump());
    let ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (next.bump(), next.bump())).collect();
    // svg2pdf numbers its objects from 1; shifting them all by one offset (not by order of appearance, which the
    // resource-dictionary order below would change) puts them after ours.
    let shift = next.get() - 1;
    let logo = logo.map(|g| {
        (
            g.chunk.renumber(|old| Ref::new(old.get() + shift)),
            Ref::new(g.form.get() + shift),
        )
    });
    pdf.catalog(catalog).pages(tree);
    let kids = ids.iter().map(|&(page, _)| page);
    pdf.pages(tree).kids(kids).count(i32::try_from(total)?);
    for (i, ((page_id, content_id), content)) in ids.into_iter().zip(pages).enumerate() {
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree).contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR.name(), regular).pair(BOLD.name(), bold);
        if let (0, Some((_, form))) = (i, &logo) {
            resources.x_objects().pair(LOGO, *form);
        }
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    for (font, id) in [(REGULAR, regular), (BOLD, bold)] {
        let encoding = Name(b"WinAnsiEncoding");
        pdf.type1_font(id).base_font(Name(font.1)).encoding_predefined(encoding);
    }
    let svg_objects = logo.map(|(chunk, _)| {
        let start = pdf.len();
        pdf.extend(&chunk);
        start..pdf.len()
    });
    let mut bytes = pdf.finish();
    if let Some(range) = svg_objects {
        if let Some(objects) = bytes.get_mut(range) {
            sort_resource_dicts(objects);
        }
    }
    Ok((bytes, total))
}

/// First-page furniture: letterhead with the logo, envelope window, date block, fold and punch marks.
fn letterhead(c: &mut Content, l: &LetterContent, logo: Option<&Logo>) -> Result<()> {
    // Name and address stop short of the logo; without one they may use the whole column.
    let head_w = logo.map_or(COL_W, |g| COL_W - g.w - LOGO_GAP);
    if let Some(g) = logo {
        let y = from_top(LOGO_BOTTOM_MM) + (LOGO_MAX_H - g.h) / 2.0;
        // The form XObject is a unit square (svg2pdf sets its /Matrix), so this one matrix sizes and places it.
        c.save_state().transform([g.w, 0.0, 0.0, g.h, LEFT + COL_W - g.w, y]);
        c.x_object(LOGO).restore_state();
    }
    let rgb = |v: u8| f32::from(v) / 255.0;
    let (r, g, b) = (rgb(l.brand_rgb.0), rgb(l.brand_rgb.1), rgb(l.brand_rgb.2));
    c.save_state().set_fill_rgb(r, g, b).set_stroke_rgb(r, g, b);
    NAME.draw(c, LEFT, from_top(15.0) - 10.0, &NAME.fit(l.sender_name, head_w));
    hline(c, LEFT, LEFT + COL_W, from_top(27.0), 0.8);
    c.restore_state();
    c.save_state().set_fill_gray(GREY).set_stroke_gray(GREY);
    SENDER.draw(c, LEFT, from_top(15.0) - 22.0, &SENDER.fit(l.sender_address, head_w));
    // Return-address line at the top of the window field (45 mm from the top), underlined as DIN 5008 shows it.
    let ret = RETURN.fit(l.sender_address, WINDOW_W);
    RETURN.draw(c, LEFT, from_top(45.0) - 7.0, &ret);
    hline(c, LEFT, LEFT + RETURN.width(&ret), from_top(45.0) - 9.0, 0.3);
    // Fold marks for DL (105 / 210 mm) and the longer punch mark at half height.
    for (mm, len) in [(105.0, 5.0), (148.5, 8.0), (210.0, 5.0)] {
        hline(c, 4.0 * MM, (4.0 + len) * MM, from_top(mm), 0.5);
    }
    c.restore_state();
    let lines: Vec<&str> = l.recipient.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if lines.len() > 6 {
        bail!("{} address lines; the envelope window holds 6", lines.len());
    }
    let first = from_top(50.0) - 8.0;
    for (i, line) in lines.iter().enumerate() {
        ADDRESS.draw(c, LEFT, first - i as f32 * 12.0, &ADDRESS.fit(line, WINDOW_W));
    }
    for (i, s) in [l.place_and_date, l.reference_line].iter().enumerate() {
        ADDRESS.draw(c, 125.0 * MM, first - i as f32 * 12.0, &ADDRESS.fit(s, 65.0 * MM));
    }
    Ok(())
}

/// Draws the payment box, moving it whole to the next page when it does not fit: a split box would be unusable.
fn payment_box(p: &mut Pager, b: &PaymentBox) -> Result<()> {
    let code = QrCode::with_error_correction_level(b.epc_payload, EcLevel::M).map_err(|e| anyhow!("qr: {e}"))?;
    if !matches!(code.version(), Version::Normal(v) if v <= 13) {
        bail!("EPC QR needs version <= 13 (EPC069-12); the payload is too long");
    }
    let caption = SMALL.wrap(b.caption, QR_SIZE);
    let labels: Vec<Vec<u8>> = b.lines.iter().map(|(label, _)| to_winansi(label)).collect();
    let label_w = labels.iter().map(|s| LABEL.width(s)).fold(0.0, f32::max);
    let lx = LEFT + PAD + QR_SIZE + 6.0 * MM;
    let vx = lx + label_w + 3.0 * MM;
    let value_w = LEFT + COL_W - PAD - vx;
    let values: Vec<_> = b.lines.iter().map(|(_, v)| VALUE.wrap(v, value_w)).collect();
    let right_h = values.iter().map(|v| v.len().max(1)).sum::<usize>() as f32 * BOX_LEADING;
    let left_h = QR_SIZE + 2.0 * MM + caption.len() as f32 * SMALL_LEADING;
    let h = left_h.max(right_h) + 2.0 * PAD;
    let top = p.reserve(h);
    let c = &mut p.cur;
    c.save_state().set_fill_gray(0.93);
    c.rect(LEFT, top - h, COL_W, h).fill_nonzero();
    // White square under the code: scanners want a quiet zone with full contrast, not the box's grey.
    let (qx, qy) = (LEFT + PAD, top - PAD - QR_SIZE);
    c.set_fill_gray(1.0).rect(qx, qy, QR_SIZE, QR_SIZE).fill_nonzero();
    let n = code.width();
    let m = QR_SIZE / (n + 8) as f32;
    // One path of horizontal runs, filled once: crisp vector modules without seams between touching rectangles.
    c.set_fill_gray(0.0);
    for (row, cells) in code.to_colors().chunks(n.max(1)).enumerate() {
        let y = qy + QR_SIZE - (row + 5) as f32 * m;
        let mut col = 4;
        for run in cells.chunk_by(|a, b| a == b) {
            if run.first() == Some(&Color::Dark) {
                c.rect(qx + col as f32 * m, y, run.len() as f32 * m, m);
            }
            col += run.len();
        }
    }
    c.fill_nonzero().set_fill_gray(GREY);
    for (i, line) in caption.iter().enumerate() {
        let x = qx + (QR_SIZE - SMALL.width(line)) / 2.0;
        SMALL.draw(c, x, qy - 2.0 * MM - 6.0 - i as f32 * SMALL_LEADING, line);
    }
    c.restore_state();
    let mut y = top - PAD - 9.5;
    for (label, value) in labels.iter().zip(&values) {
        LABEL.draw(c, lx, y, label);
        for (k, line) in value.iter().enumerate() {
            VALUE.draw(c, vx, y - k as f32 * BOX_LEADING, line);
        }
        y -= value.len().max(1) as f32 * BOX_LEADING;
    }
    Ok(())
}

/// Page-breaking cursor: `y` is the top of the next block; a block that would end below `bottom` opens a new page.
struct Pager {
    done: Vec<Content>,
    cur: Content,
    y: f32,
    bottom: f32,
}

impl Pager {
    /// Returns the top of a block of height `h`, on a fresh page if the current one is too full.
    fn reserve(&mut self, h: f32) -> f32 {
        if self.y - h < self.bottom {
            self.done.push(std::mem::replace(&mut self.cur, Content::new()));
            self.y = from_top(CONT_TOP_MM);
        }
        let top = self.y;
        self.y -= h;
        top
    }

    /// Sets lines in the text column; no lines still take one line's height (an empty line of the body).
    fn lines(&mut self, lines: &[Vec<u8>], pen: Pen) {
        if lines.is_empty() {
            self.reserve(LEADING);
        }
        for line in lines {
            let top = self.reserve(LEADING);
            pen.draw(&mut self.cur, LEFT, top - 0.75 * LEADING, line);
        }
    }
}

/// PDF y coordinate (origin bottom left) of a point `mm` millimetres below the top edge.
fn from_top(mm: f32) -> f32 {
    PAGE_H - mm * MM
}

fn hline(c: &mut Content, x1: f32, x2: f32, y: f32, width: f32) {
    c.set_line_width(width).move_to(x1, y).line_to(x2, y).stroke();
}

/// A font at a size: every piece of text on the letter is measured and drawn with one of these.
#[derive(Clone, Copy)]
struct Pen(Font, f32);

impl Pen {
    fn width(self, s: &[u8]) -> f32 {
        self.0.units(s) as f32 * self.1 / 1000.0
    }

    fn draw(self, c: &mut Content, x: f32, y: f32, s: &[u8]) {
        c.begin_text().set_font(self.0.name(), self.1);
        c.next_line(x, y).show(Str(s)).end_text();
    }

    /// Cuts a field that must stay on one line (window address, date) to `max` points, marking the cut with "…".
    fn fit(self, s: &str, max: f32) -> Vec<u8> {
        let mut s = to_winansi(s);
        if self.width(&s) <= max {
            return s;
        }
        while !s.is_empty() && self.width(&s) + self.width(&[0x85]) > max {
            s.pop();
        }
        s.push(0x85);
        s
    }

    /// Greedy word wrap in whole font units (so the bound is exact); words wider than `max` points are split between
    /// characters so that nothing ever overflows. Runs of spaces collapse; no-break spaces do not break.
    fn wrap(self, s: &str, max: f32) -> Vec<Vec<u8>> {
        let max = (max * 1000.0 / self.1).max(0.0) as u32;
        let space = self.0.units(b" ");
        let (mut lines, mut line, mut w) = (Vec::new(), Vec::new(), 0);
        for word in to_winansi(s).split(|&b| b == b' ').filter(|w| !w.is_empty()) {
            let ww = self.0.units(word);
            if !line.is_empty() && w + space + ww <= max {
                line.push(b' ');
                line.extend_from_slice(word);
                w += space + ww;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                w = 0;
            }
            for &b in word {
                let bw = self.0.units(&[b]);
                if !line.is_empty() && w + bw > max {
                    lines.push(std::mem::take(&mut line));
                    w = 0;
                }
                line.push(b);
                w += bw;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// WinAnsi 0x80..=0x9F; '\0' marks the five unassigned codes.
const WIN_HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘', '’', '“', '”', '•',
    '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// UTF-8 to WinAnsi (Windows-1252) bytes; line breaks and tabs become spaces. A letter WinAnsi
/// lacks is spelt as its closest Latin (ş s, ł l, ő o, Ж Zh, محمد mhmd), so a Turkish or Polish
/// name on an envelope stays readable; what has no spelling (controls, bidi marks) is dropped,
/// and '?' stands only for what is left.
fn to_winansi(s: &str) -> Vec<u8> {
    let byte = |ch: char| match ch {
        '\t' | '\n' | '\r' => Some(b' '),
        ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(ch).ok(),
        _ if ch.is_control() => None,
        _ => (0x80..=0x9F_u8).zip(WIN_HIGH).find(|&(_, h)| h == ch).map(|(b, _)| b),
    };
    let mut out = Vec::with_capacity(s.len());
    for ch in s.chars() {
        if let Some(b) = byte(ch) {
            out.push(b);
            continue;
        }
        if ch.is_control() || settle_domain::text::is_bidi_control(ch) || ch == '\u{200D}' {
            continue;
        }
        match deunicode::deunicode_char(ch) {
            // A combining accent on a letter printed already.
            Some("") => {}
            Some(latin) if ch.is_alphabetic() && latin.bytes().all(|b| (b' '..=b'~').contains(&b)) => {
                out.extend_from_slice(latin.as_bytes())
            }
            _ => out.push(b'?'),
        }
    }
    out
}

/// A base-14 font: its resource name on every page, its PostScript name, and its AFM widths by WinAnsi code.
#[derive(Clone, Copy)]
struct Font(&'static [u8], &'static [u8], &'static [u16; 256]);

const REGULAR: Font = Font(b"F1", b"Helvetica", &HELVETICA);
const BOLD: Font = Font(b"F2", b"Helvetica-Bold", &HELVETICA_BOLD);

impl Font {
    fn name(self) -> Name<'static> {
        Name(self.0)
    }

    /// Advance width in 1/1000 em.
    fn units(self, s: &[u8]) -> u32 {
        s.iter().map(|&b| u32::from(self.2[usize::from(b)])).sum()
    }
}

// Adobe AFM advance widths by WinAnsi code (Core14 AFMs, Euro from Acrobat's); 0 where nothing is printed.
#[rustfmt::skip]
const HELVETICA: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 584, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 584, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    const EPC: &str = "BCD\n002\n1\nSCT\n\nVoorbeeld N.V.\nNL91ABNA0417164300\nEUR123.45\n\nRF18539007547034";

    fn sample(body: &str) -> LetterContent<'_> {
        LetterContent {
            sender_name: "Voorbeeld Incasso B.V.",
            brand_rgb: (0x1f, 0x4e, 0x79),
            sender_address: "Voorbeeld Incasso B.V. · Oudegracht 1 · 3511 AA Utrecht",
            recipient: vec!["J. de Vries", "Dorpsstraat 12", "1234 AB Amsterdam", "", "Nederland"],
            place_and_date: "Utrecht, 29 november 2026",
            subject: "Herinnering factuur 2026-0042",
            body,
            payment_box: Some(PaymentBox {
                epc_payload: EPC,
                lines: vec![("Bedrag", "€ 123,45"), ("IBAN", "NL91 ABNA 0417 1643 00")],
                caption: "Scan met uw bank-app",
            }),
            footer: "KvK 12345678 · BTW NL001234567B01 · IBAN NL91 ABNA 0417 1643 00",
            reference_line: "Kenmerk / Ref: 2026-0042",
            logo: None,
        }
    }

    #[test]
    fn long_body_breaks_into_pages() {
        let para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.";
        let body = vec![para; 120].join("\n\n");
        let (pdf, pages) = render_with_stats(&sample(&body)).unwrap();
        assert!(pages > 1, "{pages}");
        let text = String::from_utf8_lossy(&pdf);
        let page_objects = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert_eq!(page_objects, pages);
        assert_eq!(render_with_stats(&sample("Kort.")).unwrap().1, 1);
    }

    #[test]
    fn winansi_maps_euro_dash_umlauts_and_rejects_emoji() {
        let mut want = vec![0x80];
        want.extend_from_slice(b" 1.234,56 ");
        want.extend_from_slice(&[0x96, b' ', b'G', b'r', 0xF6, 0xDF, b'e']);
        assert_eq!(to_winansi("€ 1.234,56 – Größe"), want);
        assert_eq!(to_winansi("a😀b"), b"a?b");
        // Names from everywhere stay readable on an envelope; marks that reorder text go.
        assert_eq!(
            to_winansi("Şükrü Yılmaz, Łukasz Wiśniewski"),
            b"S\xfckr\xfc Yilmaz, Lukasz Wisniewski".to_vec()
        );
        assert_eq!(to_winansi("N\u{303}o\u{202E}x"), b"Nox");
        assert_eq!(to_winansi("Жанна"), b"Zhanna");
        // A control character prints as nothing.
        let quotes = [0x84, b'x', 0x93, b' ', 0x85, b' ', 0x95];
        assert_eq!(to_winansi("„x“ … •\u{81}"), quotes);
    }

    #[test]
    fn wrap_stays_within_the_column() {
        let text = "De vordering van € 1.234,56 is opeisbaar. Betaal binnen veertien dagen via \
            https://voorbeeld.example/betalen/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz";
        let no_spaces = |b: &[u8]| b.iter().copied().filter(|&b| b != b' ').collect::<Vec<u8>>();
        for (pen, max) in [(BODY, 150.0), (Pen(BOLD, 10.5), 150.0), (BODY, 20.0)] {
            let lines = pen.wrap(text, max);
            assert!(lines.len() > 2);
            for line in &lines {
                assert!(pen.width(line) <= max, "{:?}", String::from_utf8_lossy(line));
            }
            assert_eq!(no_spaces(&lines.concat()), no_spaces(&to_winansi(text)));
        }
        assert_eq!(BODY.wrap("aa  bb", 1000.0), vec![b"aa bb".to_vec()]);
        assert!(BODY.wrap("   ", 100.0).is_empty());
        assert_eq!(ADDRESS.fit("Kerkstraat 1", 1000.0), b"Kerkstraat 1");
        assert!(ADDRESS.width(&ADDRESS.fit(&"x".repeat(200), WINDOW_W)) <= WINDOW_W);
    }

    #[test]
    fn payment_box_moves_whole_to_the_next_page() {
        let pages = |n: usize, with_box: bool| {
            let body = vec!["Betaal a.u.b. het openstaande bedrag."; n].join("\n\n");
            let mut l = sample(&body);
            if !with_box {
                l.payment_box = None;
            }
            render_with_stats(&l).unwrap().1
        };
        assert!((1..40).any(|n| pages(n, false) == 1 && pages(n, true) == 2));
    }

    #[test]
    fn parses_hex_colours() {
        assert_eq!(parse_hex_color("#1A2b3C"), Some((0x1a, 0x2b, 0x3c)));
        assert_eq!(parse_hex_color("ffffff"), Some((255, 255, 255)));
        for bad in ["#fff", "#12345G", "#1234567", "", "#ÄÄÄ"] {
            assert_eq!(parse_hex_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn pdf_is_framed_and_deterministic() {
        let a = render(&sample("Geachte heer,\n\nBetaal a.u.b.")).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        let end = String::from_utf8_lossy(&a[a.len() - 8..]).into_owned();
        assert!(end.trim_end().ends_with("%%EOF"), "{end:?}");
        assert_eq!(a, render(&sample("Geachte heer,\n\nBetaal a.u.b.")).unwrap());
        assert_ne!(a, render(&sample("Geachte heer,\n\nBetaal alstublieft.")).unwrap());
    }

    const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="10" fill="#0b5cad"/><path d="M20 10h8v10h10v8H28v10h-8V28H10v-8h10z" fill="#fff"/></svg>"##;

    /// Two gradients, three opacities and two colour spaces (a luminance mask): resource dictionaries with several
    /// entries, which svg2pdf writes in random order.
    const BUSY_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40">
        <defs>
          <linearGradient id="a"><stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f"/></linearGradient>
          <radialGradient id="b"><stop offset="0" stop-color="#ff0"/><stop offset="1" stop-color="#0f0" stop-opacity=".5"/></radialGradient>
          <mask id="m"><rect width="80" height="40" fill="#fff"/><circle cx="40" cy="20" r="10" fill="#000"/></mask>
        </defs>
        <rect width="80" height="40" fill="url(#a)" mask="url(#m)"/>
        <circle cx="120" cy="20" r="20" fill="url(#b)"/>
        <rect x="10" y="5" width="30" height="30" fill="#123456" fill-opacity=".3"/>
        <rect x="50" y="5" width="30" height="30" fill="#654321" fill-opacity=".6" stroke="#000" stroke-opacity=".4"/>
        <g opacity=".5"><rect x="90" y="5" width="10" height="10"/><rect x="140" y="25" width="10" height="10"/></g>
    </svg>"##;

    fn with_logo(svg: &str) -> Vec<u8> {
        let mut l = sample("Geachte heer,\n\nBetaal a.u.b.");
        l.logo = Some(LetterLogo::Svg(svg));
        render(&l).unwrap()
    }

    #[test]
    fn logo_is_drawn_on_page_one_only_and_keeps_the_pdf_deterministic() {
        let body = vec!["Betaal a.u.b. het openstaande bedrag."; 80].join("\n\n");
        let mut l = sample(&body);
        l.logo = Some(LetterLogo::Svg(LOGO));
        let (pdf, pages) = render_with_stats(&l).unwrap();
        assert!(pages > 1);
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(text.matches("/Logo Do").count(), 1, "drawn once");
        assert_eq!(
            text.matches("/XObject <<\n      /Logo ").count(),
            1,
            "in page 1's resources only"
        );
        assert!(text.contains("/Subtype /Form"));
        for svg in [LOGO, BUSY_LOGO] {
            let a = with_logo(svg);
            for _ in 0..8 {
                assert_eq!(a, with_logo(svg));
            }
        }
        let busy = String::from_utf8_lossy(&with_logo(BUSY_LOGO)).into_owned();
        assert!(
            busy.contains("/gs1 ") && busy.contains("/xo1 "),
            "the test logo must need sorting"
        );
    }

    #[test]
    fn unusable_logo_gives_the_letter_without_logo() {
        let plain = render(&sample("Geachte heer,\n\nBetaal a.u.b.")).unwrap();
        let text_only =
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><text y="15">Zorg</text></svg>"#;
        let bad = [
            "",
            "   ",
            "<svg",
            "geen svg",
            "<html></html>",
            r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#,
            text_only,
        ];
        for svg in bad {
            assert_eq!(with_logo(svg), plain, "{svg:?}");
        }
        assert_ne!(with_logo(LOGO), plain);
    }

    #[test]
    fn png_logo_is_drawn_as_an_image_with_its_transparency() {
        use resvg::tiny_skia::{Color, Pixmap};
        let mut pixmap = Pixmap::new(40, 10).unwrap();
        pixmap.fill(Color::from_rgba8(0x1f, 0x4e, 0x79, 128));
        let png = pixmap.encode_png().unwrap();
        let mut l = sample("Geachte heer,\n\nBetaal a.u.b.");
        l.logo = Some(LetterLogo::Png(&png));
        let pdf = render(&l).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(text.matches("/Logo Do").count(), 1);
        assert!(text.contains("/Subtype /Image") && text.contains("/SMask"));
        assert_eq!(render(&l).unwrap(), pdf, "deterministic");
        l.logo = Some(LetterLogo::Png(b"not a png"));
        assert_eq!(
            render(&l).unwrap(),
            render(&sample("Geachte heer,\n\nBetaal a.u.b.")).unwrap()
        );
    }

    #[test]
    fn rejects_what_cannot_be_posted_or_scanned() {
        let mut l = sample("x");
        l.recipient = vec!["a"; 7];
        assert!(render(&l).is_err());
        let long = "x".repeat(400);
        let mut l = sample("x");
        if let Some(b) = l.payment_box.as_mut() {
            b.epc_payload = &long;
        }
        assert!(render(&l).is_err());
        l.payment_box = None;
        assert!(render(&l).is_ok());
    }
}
