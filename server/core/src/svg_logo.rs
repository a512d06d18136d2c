//! A logo in SVG set by a tenant, parsed with the guards it needs before anything draws it: no
//! file access (every `<image href>` refused, data URLs too), bounded nesting, its own large stack,
//! and a panic or a bad SVG gives "no logo" instead of an error. Letters convert the tree to PDF
//! (`channels::letter_logo`); the branding upload rasterises it to the PNG that is served.
use quick_xml::events::Event;
use resvg::usvg;

/// Deepest element nesting accepted in a logo: the XML parser under usvg (roxmltree) recurses once per level with no
/// limit of its own, so a few kilobytes of `<g>` could otherwise overflow the stack and abort the process.
const MAX_DEPTH: usize = 256;
/// Stack of the thread that converts the logo. `<use>` chains nest usvg's tree (up to its limit of 1024 levels)
/// without nesting the XML, and in debug builds usvg and svg2pdf recurse past the 2 MiB of a tokio blocking thread.
const STACK: usize = 32 << 20;

/// Runs `f` on the parsed logo, on a thread of its own with a large stack; `None` for an empty or
/// malformed SVG, nothing left to draw, nesting too deep, or a panic inside the SVG crates (the
/// thread's join catches it).
pub(crate) fn with_tree<T: Send>(svg: &str, f: impl FnOnce(&usvg::Tree) -> Option<T> + Send) -> Option<T> {
    std::thread::scope(|s| {
        let thread = std::thread::Builder::new().stack_size(STACK);
        thread
            .spawn_scoped(s, || {
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
                f(&tree)
            })
            .ok()?
            .join()
            .ok()
            .flatten()
    })
}

/// Whether roxmltree can parse `svg` without deep recursion: elements nest at most [`MAX_DEPTH`] levels, as
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
            Ok(Event::Start(_)) if depth == MAX_DEPTH => return false,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(svg: &str) -> Option<()> {
        with_tree(svg, |_| Some(()))
    }

    #[test]
    fn deep_or_entity_nested_logo_is_refused_without_touching_the_stack() {
        let nested = |n: usize| {
            let (open, close) = ("<g>".repeat(n), "</g>".repeat(n));
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">{open}<rect width="9" height="9"/>{close}</svg>"#
            )
        };
        assert!(convert(&nested(20)).is_some());
        assert!(nesting_is_bounded(&nested(MAX_DEPTH - 1)) && !nesting_is_bounded(&nested(MAX_DEPTH)));
        // Would abort the test process with a stack overflow if it reached roxmltree.
        assert!(convert(&nested(100_000)).is_none());
        let entity = r#"<!DOCTYPE svg [<!ENTITY e '<g xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></g>'>]><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">&e;</svg>"#;
        assert!(convert(entity).is_none());
        // Illustrator's DOCTYPE: entities that only hold namespace URLs.
        let illustrator = r#"<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
	<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
]>
<svg version="1.1" xmlns:x="&ns_extend;" xmlns:i="&ns_ai;" xmlns="http://www.w3.org/2000/svg" width="9" height="9">
<rect width="9" height="9"/></svg>"#;
        assert!(convert(illustrator).is_some());
        // A chain of <use> nests usvg's tree, not the XML: fine on the logo thread's stack, even in a debug build.
        let chain: String = (0..330)
            .map(|i| format!(r##"<g id="u{i}"><use href="#u{}"/></g>"##, i + 1))
            .collect();
        let chain = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><defs>{chain}<rect id="u330" width="9" height="9"/></defs><use href="#u0"/></svg>"##
        );
        let _ = convert(&chain);
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
        assert!(convert(&svg).is_none());
        let data_url = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="data:image/svg+xml;utf8,&lt;svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'&gt;&lt;rect width='9' height='9'/&gt;&lt;/svg&gt;"/></svg>"#;
        assert!(convert(data_url).is_none());
        std::fs::remove_file(path).unwrap();
    }
}
