//! The HTML part of a dunning email: MJML (rendered by mrml) in the tenant's colour, responsive,
//! with the payment link as a button, the legal footer, an unsubscribe link where one applies,
//! and the open pixel where the tenant tracks opens. It is made from the same text as the plain
//! part, so both say the same. Nothing is loaded from elsewhere: no web fonts, no CDN.
use std::collections::HashMap;
use std::fmt::Write as _;

pub struct HtmlEmail<'a> {
    pub lang: &'a str,
    /// `#RRGGBB`; anything else falls back to a neutral dark blue.
    pub brand: &'a str,
    pub tenant: &'a str,
    pub subject: &'a str,
    /// The plain text: paragraphs separated by a blank line. A line that is exactly `link`
    /// becomes the button.
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub button: &'a str,
    pub footer: &'a str,
    /// (label, address) of the unsubscribe page.
    pub unsubscribe: Option<(&'a str, &'a str)>,
    pub pixel: Option<&'a str>,
}

const FALLBACK_BRAND: &str = "#1f4e79";
const FONT: &str = "Arial, Helvetica, sans-serif";

/// Escapes text for MJML content and attribute values: mrml passes both through as written.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn http_url(u: &str) -> bool {
    let l = u.trim_start().to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// The brand colour, and the text colour that reads on it (white needs a contrast of 4.5:1).
fn colours(brand: &str) -> (String, &'static str) {
    match settle_domain::colour::contrast(brand, "#ffffff") {
        Some(c) => {
            let on = if c >= settle_domain::colour::AA {
                "#ffffff"
            } else {
                "#111111"
            };
            (format!("#{}", brand.trim().trim_start_matches('#')), on)
        }
        None => (FALLBACK_BRAND.to_string(), "#ffffff"),
    }
}

pub fn mjml(e: &HtmlEmail) -> String {
    let lang = if !e.lang.is_empty() && e.lang.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
        e.lang
    } else {
        "und"
    };
    let (brand, on_brand) = colours(e.brand);
    let name = esc(e.tenant);
    let link = e.link.filter(|l| http_url(l));
    let mut m = String::with_capacity(4096);
    let preview: String = e
        .body
        .split("\n\n")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(120)
        .collect();
    let _ = write!(
        m,
        r##"<mjml lang="{lang}"><mj-head><mj-title>{title}</mj-title><mj-preview>{preview}</mj-preview><mj-attributes><mj-all font-family="{FONT}" /><mj-text font-size="16px" line-height="1.5" color="#1f2937" padding="6px 24px" /><mj-section padding="0" /></mj-attributes></mj-head><mj-body background-color="#f3f4f6" width="600px"><mj-section background-color="{brand}" padding="16px 0"><mj-column><mj-text color="{on_brand}" font-size="20px" font-weight="bold">{name}</mj-text></mj-column></mj-section><mj-section background-color="#ffffff" padding="16px 0"><mj-column>"##,
        title = esc(e.subject),
        preview = esc(&preview),
    );
    for paragraph in e.body.split("\n\n") {
        let mut lines = Vec::new();
        for line in paragraph.lines() {
            match link {
                Some(l) if line.trim() == l => {
                    if !lines.is_empty() {
                        let _ = write!(m, "<mj-text>{}</mj-text>", lines.join("<br />"));
                        lines.clear();
                    }
                    let _ = write!(
                        m,
                        r##"<mj-button background-color="{brand}" color="{on_brand}" font-size="17px" font-weight="bold" border-radius="6px" inner-padding="14px 28px" padding="12px 24px" href="{url}">{label}</mj-button>"##,
                        url = esc(l.trim()),
                        label = esc(e.button),
                    );
                }
                _ => lines.push(esc(line)),
            }
        }
        if !lines.is_empty() {
            let _ = write!(m, "<mj-text>{}</mj-text>", lines.join("<br />"));
        }
    }
    m.push_str("</mj-column></mj-section><mj-section padding=\"8px 0\"><mj-column>");
    let mut foot = esc(e.footer).replace('\n', "<br />");
    if let Some((label, url)) = e.unsubscribe.filter(|(_, u)| http_url(u)) {
        let _ = write!(
            foot,
            "<br /><a href=\"{}\" style=\"color:#4b5563\">{}</a>",
            esc(url),
            esc(label)
        );
    }
    let _ = write!(
        m,
        r##"<mj-text font-size="13px" line-height="1.4" color="#4b5563" align="center">{foot}</mj-text>"##
    );
    if let Some(px) = e.pixel.filter(|p| http_url(p)) {
        let _ = write!(
            m,
            r##"<mj-raw><img src="{}" width="1" height="1" alt="" style="display:block;border:0" /></mj-raw>"##,
            esc(px)
        );
    }
    m.push_str("</mj-column></mj-section></mj-body></mjml>");
    m
}

/// The HTML of the email. mrml's default font map would import Google Fonts; it is emptied.
pub fn render(e: &HtmlEmail) -> anyhow::Result<String> {
    let source = mjml(e);
    let parsed = mrml::parse(&source).map_err(|err| anyhow::anyhow!("mjml: {err}"))?;
    let opts = mrml::prelude::render::RenderOptions {
        disable_comments: true,
        social_icon_origin: None,
        fonts: HashMap::new(),
    };
    parsed
        .element
        .render(&opts)
        .map_err(|err| anyhow::anyhow!("mjml render: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(body: &'a str, brand: &'a str) -> HtmlEmail<'a> {
        HtmlEmail {
            lang: "nl",
            brand,
            tenant: "Zorg & Co <b>",
            subject: "Herinnering factuur 2026-0042",
            body,
            link: Some("https://demo.example/pay/abc?x=1&y=2"),
            button: "Nu betalen",
            footer: "Zorg N.V., Postbus 1",
            unsubscribe: Some(("Geen e-mail meer", "https://demo.example/u/tok")),
            pixel: Some("https://demo.example/t/o/7e.abc"),
        }
    }

    const BODY: &str = "Beste <script>alert(1)</script>,\n\nU betaalde nog niet & dat kan.\n\nBetaal via uw link:\nhttps://demo.example/pay/abc?x=1&y=2\n\nZorg";

    #[test]
    fn the_link_becomes_a_button_and_everything_typed_is_escaped() {
        let html = render(&email(BODY, "#0b5cad")).unwrap();
        assert!(!html.contains("<script>"), "no markup from the text gets through");
        assert!(html.contains("Beste &lt;script&gt;alert(1)&lt;/script&gt;,"));
        assert!(html.contains("Zorg &amp; Co &lt;b&gt;"));
        assert!(html.contains("href=\"https://demo.example/pay/abc?x=1&amp;y=2\""));
        assert!(html.contains("Nu betalen"));
        assert!(
            html.contains("https://demo.example/u/tok"),
            "unsubscribe link in the footer"
        );
        assert!(
            html.contains("src=\"https://demo.example/t/o/7e.abc\""),
            "the open pixel"
        );
        assert!(html.contains("lang=\"nl\""));
        assert!(
            !html.contains("googleapis") && !html.contains("@import"),
            "nothing loaded from elsewhere"
        );
        assert_eq!(html, render(&email(BODY, "#0b5cad")).unwrap(), "deterministic");
    }

    #[test]
    fn text_on_the_brand_colour_keeps_its_contrast() {
        assert_eq!(colours("#0b5cad").1, "#ffffff");
        assert_eq!(colours("#ffd400").1, "#111111", "yellow takes dark text");
        assert_eq!(
            colours("red; background:url(x)").0,
            FALLBACK_BRAND,
            "only a colour reaches CSS"
        );
    }

    #[test]
    fn no_pixel_or_unsubscribe_unless_given_and_only_http_links() {
        let mut e = email(BODY, "#0b5cad");
        e.pixel = None;
        e.unsubscribe = None;
        let html = render(&e).unwrap();
        assert!(!html.contains("/t/o/") && !html.contains("/u/tok"));
        e.link = Some("javascript:alert(1)");
        let html = render(&e).unwrap();
        assert!(!html.contains("href=\"javascript"), "a non-http link is never a button");
    }
}
