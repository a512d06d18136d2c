//! The tenant's logo for a letter: an SVG converted by svg2pdf into a form XObject (parsed with the
//! guards of `svg_logo`: a bad SVG gives a letter without a logo), or a PNG as an image; and the fix that keeps the PDF deterministic (its bytes are hashed as
//! proof of what was sent).
use pdf_writer::{Chunk, Filter, Finish, Ref};
use resvg::tiny_skia::Pixmap;

/// The logo's box on page 1, in points (see `letter.rs` for where it goes).
pub(super) const LOGO_MAX_W: f32 = 40.0 * 72.0 / 25.4;
pub(super) const LOGO_MAX_H: f32 = 15.0 * 72.0 / 25.4;
/// A tenant logo as svg2pdf's form XObject, or an image XObject for a PNG (objects still numbered from 1), and its
/// size on the page in points; either maps the unit square, so the letterhead places both alike.
///
/// svg2pdf and usvg run without default features, which keeps them small and free of file access, and drops: text
/// (`<text>` is skipped: logos must have their lettering converted to paths), raster images (`<image>`, whether
/// a file or a data URL, is refused below and would not be drawn anyway) and filters (blur, drop shadow: the
/// filtered element is drawn unfiltered). Paths, fills, strokes, gradients, patterns, clip paths, masks, opacity
/// and `<use>` all convert as vectors.
pub(super) struct Logo {
    pub(super) chunk: Chunk,
    pub(super) form: Ref,
    pub(super) w: f32,
    pub(super) h: f32,
}

impl Logo {
    /// `None` for anything that gives no drawable logo (see [`crate::svg_logo::with_tree`]) or a failed
    /// conversion. The letter then goes out without a logo, never with an error.
    pub(super) fn convert(svg: &str) -> Option<Logo> {
        crate::svg_logo::with_tree(svg, |tree| {
            let (w, h) = (tree.size().width(), tree.size().height());
            let scale = (LOGO_MAX_W / w).min(LOGO_MAX_H / h);
            if !(scale.is_finite() && scale > 0.0) {
                return None;
            }
            let (chunk, form) = svg2pdf::to_chunk(tree, svg2pdf::ConversionOptions::default()).ok()?;
            Some(Logo {
                chunk,
                form,
                w: w * scale,
                h: h * scale,
            })
        })
    }

    /// A PNG logo (as the branding upload stores it) as an image XObject, its transparency as a soft
    /// mask; `None` when it does not decode.
    pub(super) fn from_png(png: &[u8]) -> Option<Logo> {
        let pixmap = Pixmap::decode_png(png).ok()?;
        let (pw, ph) = (pixmap.width(), pixmap.height());
        let mut rgb = Vec::with_capacity(pixmap.pixels().len() * 3);
        let mut alpha = Vec::with_capacity(pixmap.pixels().len());
        for p in pixmap.pixels() {
            let c = p.demultiply();
            rgb.extend([c.red(), c.green(), c.blue()]);
            alpha.push(c.alpha());
        }
        let (image, mask) = (Ref::new(1), Ref::new(2));
        let mut chunk = Chunk::new();
        let data = miniz_oxide::deflate::compress_to_vec_zlib(&rgb, 6);
        let mut x = chunk.image_xobject(image, &data);
        x.filter(Filter::FlateDecode);
        x.width(i32::try_from(pw).ok()?).height(i32::try_from(ph).ok()?);
        x.color_space().device_rgb();
        x.bits_per_component(8);
        let translucent = alpha.iter().any(|&a| a != u8::MAX);
        if translucent {
            x.s_mask(mask);
        }
        x.finish();
        if translucent {
            let data = miniz_oxide::deflate::compress_to_vec_zlib(&alpha, 6);
            let mut m = chunk.image_xobject(mask, &data);
            m.filter(Filter::FlateDecode);
            m.width(i32::try_from(pw).ok()?).height(i32::try_from(ph).ok()?);
            m.color_space().device_gray();
            m.bits_per_component(8);
            m.finish();
        }
        let (w, h) = (pw as f32, ph as f32);
        let scale = (LOGO_MAX_W / w).min(LOGO_MAX_H / h);
        Some(Logo {
            chunk,
            form: image,
            w: w * scale,
            h: h * scale,
        })
    }
}

/// The resource sub-dictionaries that svg2pdf 0.13 fills from a `HashMap` (`ResourceContainer::finish`).
const RESOURCE_DICTS: [&[u8]; 6] = [
    b"/XObject <<",
    b"/ExtGState <<",
    b"/Pattern <<",
    b"/Shading <<",
    b"/Font <<",
    b"/ColorSpace <<",
];

/// Sorts the entries of svg2pdf's resource dictionaries, in place.
///
/// svg2pdf 0.13 writes them in the iteration order of a std `HashMap`, whose seed is random per map, so a logo
/// with two gradients or two opacities would otherwise give different bytes on every run. This walks pdf-writer's
/// layout (one entry per line; a stream's `/Length` is its dictionary's first entry, and the data after `stream` is
/// skipped unread) and only reorders whole lines: the length, and with it every xref offset, stays the same.
pub(super) fn sort_resource_dicts(buf: &mut [u8]) {
    let line_end = |buf: &[u8], from: usize| {
        buf[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(buf.len(), |i| from + i)
    };
    let (mut pos, mut stream_len) = (0, 0);
    while pos < buf.len() {
        let end = line_end(buf, pos);
        let line = &buf[pos..end];
        if line == b"stream" {
            pos = end + 1 + stream_len;
            continue;
        }
        if let Some(n) = line.strip_prefix(b"  /Length ") {
            match std::str::from_utf8(n).ok().and_then(|n| n.parse().ok()) {
                Some(n) => stream_len = n,
                None => return,
            }
        }
        pos = end + 1;
        if !RESOURCE_DICTS.contains(&line.trim_ascii_start()) {
            continue;
        }
        let mut entries = Vec::new();
        let mut close = pos;
        while close < buf.len() && buf[close..line_end(buf, close)].trim_ascii() != b">>" {
            entries.push(buf[close..line_end(buf, close)].to_vec());
            close = line_end(buf, close) + 1;
        }
        if close >= buf.len()
            || entries
                .iter()
                .any(|e| !e.trim_ascii_start().starts_with(b"/") || e.ends_with(b"<<"))
        {
            return;
        }
        entries.sort();
        let sorted = entries.join(&b'\n');
        if let Some(dst) = buf.get_mut(pos..pos + sorted.len()) {
            dst.copy_from_slice(&sorted);
        }
        pos = close;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_dictionaries_are_sorted_and_streams_left_alone() {
        let mut buf = b"1 0 obj\n<<\n  /Length 12\n  /Resources <<\n    /ExtGState <<\n      /gs1 3 0 R\n      /gs0 2 0 R\n    >>\n  >>\n>>\nstream\n/b 1 0 R\n/a\nendstream\nendobj\n\n".to_vec();
        let want =
            String::from_utf8_lossy(&buf).replace("/gs1 3 0 R\n      /gs0 2 0 R", "/gs0 2 0 R\n      /gs1 3 0 R");
        sort_resource_dicts(&mut buf);
        assert_eq!(String::from_utf8_lossy(&buf), want);
    }
}
