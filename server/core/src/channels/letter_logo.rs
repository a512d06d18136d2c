//! The tenant's SVG logo for a letter: converted by svg2pdf into a form XObject, with the guards
//! a logo set by a tenant needs (no file access, bounded nesting, a panic or a bad SVG gives a
//! letter without a logo) and the fix that keeps the PDF deterministic (its bytes are hashed as
//! proof of what was sent).
use pdf_writer::{Chunk, Ref};
use quick_xml::events::Event;
use svg2pdf::usvg;

/// The logo's box on page 1, in points (see `letter.rs` for where it goes).
pub(super) const LOGO_MAX_W: f32 = 40.0 * 72.0 / 25.4;
pub(super) const LOGO_MAX_H: f32 = 15.0 * 72.0 / 25.4;
/// Deepest element nesting accepted in a logo: the XML parser under usvg (roxmltree) recurses once per level with no
/// limit of its own, so a few kilobytes of `<g>` could otherwise overflow the stack and abort the process.
const LOGO_MAX_DEPTH: usize = 256;
/// Stack of the thread that converts the logo. `<use>` chains nest usvg's tree (up to its limit of 1024 levels)
/// without nesting the XML, and in debug builds usvg and svg2pdf recurse past the 2 MiB of a tokio blocking thread.
const LOGO_STACK: usize = 32 << 20;

/// A tenant logo as svg2pdf's form XObject (objects still numbered from 1) and its size on the page in points.
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
    /// `None` for anything that gives no drawable logo: empty or malformed SVG, nothing left to draw, nesting too
    /// deep, a failed conversion, even a panic inside the SVG crates (the thread's join catches it). The letter then
    /// goes out without a logo, never with an error.
    pub(super) fn convert(svg: &str) -> Option<Logo> {
        std::thread::scope(|s| {
            let thread = std::thread::Builder::new().stack_size(LOGO_STACK);
            thread
                .spawn_scoped(s, || Logo::try_convert(svg))
                .ok()?
                .join()
                .ok()
                .flatten()
        })
    }

    fn try_convert(svg: &str) -> Option<Logo> {
        if !nesting_is_bounded(svg) {
            return None;
        }
        let options = usvg::Options {
            // usvg's default resolver reads any local path in <image href>; refuse every href, data URLs too.
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: Box::new(|_, _, _| None),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &options).ok()?;
        if !tree.root().has_children() {
            return None;
        }
        let (w, h) = (tree.size().width(), tree.size().height());
        let scale = (LOGO_MAX_W / w).min(LOGO_MAX_H / h);
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        let (chunk, form) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default()).ok()?;
        Some(Logo {
            chunk,
            form,
            w: w * scale,
            h: h * scale,
        })
    }
}

/// Whether roxmltree can parse `svg` without deep recursion: elements nest at most [`LOGO_MAX_DEPTH`] levels, as
/// counted by quick-xml (which does not recurse), and no DTD entity holds markup that would nest further once
/// expanded (usvg lets DTDs through; Illustrator's entities hold only namespace URLs).
fn nesting_is_bounded(svg: &str) -> bool {
    // An entity's value is the first quoted string in its declaration.
    let holds_markup = |decl: &str| {
        decl.find(['"', '\'']).is_some_and(|i| {
            let (quote, rest) = decl[i..].split_at(1);
            rest.split(quote).next().is_some_and(|value| value.contains(['<', '&']))
        })
    };
    if svg.split("<!ENTITY").skip(1).any(holds_markup) {
        return false;
    }
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut depth = 0_usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) if depth == LOGO_MAX_DEPTH => return false,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
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

    #[test]
    fn deep_or_entity_nested_logo_is_refused_without_touching_the_stack() {
        let nested = |n: usize| {
            let (open, close) = ("<g>".repeat(n), "</g>".repeat(n));
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">{open}<rect width="9" height="9"/>{close}</svg>"#
            )
        };
        assert!(Logo::convert(&nested(20)).is_some());
        // svg2pdf itself gives up on plain groups nested past 28 graphics states ("nesting depth is too high").
        assert!(Logo::convert(&nested(30)).is_none());
        assert!(nesting_is_bounded(&nested(LOGO_MAX_DEPTH - 1)) && !nesting_is_bounded(&nested(LOGO_MAX_DEPTH)));
        // Would abort the test process with a stack overflow if it reached roxmltree.
        assert!(Logo::convert(&nested(100_000)).is_none());
        let entity = r#"<!DOCTYPE svg [<!ENTITY e '<g xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></g>'>]><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">&e;</svg>"#;
        assert!(Logo::convert(entity).is_none());
        // Illustrator's DOCTYPE: entities that only hold namespace URLs.
        let illustrator = r#"<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
	<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
]>
<svg version="1.1" xmlns:x="&ns_extend;" xmlns:i="&ns_ai;" xmlns="http://www.w3.org/2000/svg" width="9" height="9">
<rect width="9" height="9"/></svg>"#;
        assert!(Logo::convert(illustrator).is_some());
        // A chain of <use> nests usvg's tree, not the XML: fine on the logo thread's stack, even in a debug build.
        let chain: String = (0..330)
            .map(|i| format!(r##"<g id="u{i}"><use href="#u{}"/></g>"##, i + 1))
            .collect();
        let chain = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><defs>{chain}<rect id="u330" width="9" height="9"/></defs><use href="#u0"/></svg>"##
        );
        let _ = Logo::convert(&chain);
    }

    #[test]
    fn logo_cannot_read_local_files() {
        // A real 1x1 PNG on disk: usvg's default resolver would load it (the logo would then not be empty).
        let png = [
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
            0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
            0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff,
            0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
        ];
        let path = std::env::temp_dir().join(format!("letter-logo-{}.png", std::process::id()));
        std::fs::write(&path, png).unwrap();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{}" width="10" height="10"/></svg>"#,
            path.display()
        );
        let default = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
        assert!(default.root().has_children(), "the default resolver reads the file");
        assert!(Logo::convert(&svg).is_none());
        let data_url = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="data:image/svg+xml;utf8,&lt;svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'&gt;&lt;rect width='9' height='9'/&gt;&lt;/svg&gt;"/></svg>"#;
        assert!(Logo::convert(data_url).is_none());
        std::fs::remove_file(path).unwrap();
    }
}
