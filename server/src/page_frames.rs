//! The frame around the directly rendered pages (`direct_pages.rs`): the document, its head and
//! meta tags, the header, the language switch and the footer, rendered once per tenant look,
//! language, page title and signed-in state, and kept. A page view then renders only its main
//! content and fills in its CSRF token and the response's CSP nonce. Rendering the frame was
//! most of a payment-link view's rendering time (see the README's Benchmarks).
//!
//! The frame is rendered by the same components as every other page's, with marks where the
//! CSRF token, the nonce and the main content go; what comes out is byte for byte what
//! rendering the whole page gives (tested below). The marks are random per server, so no tenant
//! text can contain one. The tenant's look is kept beside its frames and compared at every view:
//! after a change the next view renders the frame anew and it replaces the old one.
use futures_util::StreamExt;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos::tachys::view::RenderHtml;
use leptos_meta::ServerMetaContext;
use settle_app::ui::Page;
use settle_domain::locale::Locale;
use settle_domain::views::{ShellView, TenantView, UserView};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Frames kept at most, a few KB each; past that the kept ones are dropped and rendered again
/// as needed. A tenant has up to about 21 (three languages; the payment, not-found and
/// rate-limited titles, signed in or not; the invoice list), so this holds about 100 tenants.
const KEPT: usize = 2048;

/// Which kept frame a page takes: its tenant, language, title and whether someone is signed in.
/// The frame shows nothing else of the shell but the tenant's look, kept beside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    tenant: String,
    locale: Locale,
    title: String,
    signed_in: bool,
}

/// A kept frame and the tenant's look it was rendered with.
struct Kept {
    look: TenantView,
    skeleton: Arc<Skeleton>,
}

#[derive(Debug, PartialEq)]
enum Piece {
    Text(String),
    Csrf,
    Nonce,
    Main,
}

/// A rendered frame, cut at its marks.
#[derive(Debug)]
struct Skeleton {
    pieces: Vec<Piece>,
    text_len: usize,
}

impl Skeleton {
    /// `None` unless the main content's mark occurs exactly once.
    fn cut(html: &str, marks: &Marks) -> Option<Self> {
        let mut pieces = Vec::new();
        let mut rest = html;
        loop {
            let next = [
                (&marks.csrf, Piece::Csrf),
                (&marks.nonce, Piece::Nonce),
                (&marks.main, Piece::Main),
            ]
            .into_iter()
            .filter_map(|(mark, piece)| rest.find(mark.as_str()).map(|at| (at, mark.len(), piece)))
            .min_by_key(|(at, _, _)| *at);
            let Some((at, len, piece)) = next else {
                pieces.push(Piece::Text(rest.to_string()));
                break;
            };
            pieces.push(Piece::Text(rest[..at].to_string()));
            pieces.push(piece);
            rest = &rest[at + len..];
        }
        pieces.retain(|p| !matches!(p, Piece::Text(t) if t.is_empty()));
        let mains = pieces.iter().filter(|p| **p == Piece::Main).count();
        let text_len = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                _ => 0,
            })
            .sum();
        (mains == 1).then_some(Self { pieces, text_len })
    }

    fn fill(&self, main: &str, csrf: &str, nonce: &str) -> String {
        let csrf = html_escape::encode_double_quoted_attribute(csrf);
        let nonce = html_escape::encode_double_quoted_attribute(nonce);
        let mut html = String::with_capacity(self.text_len + main.len() + 4 * (csrf.len() + nonce.len()));
        for piece in &self.pieces {
            html.push_str(match piece {
                Piece::Text(t) => t,
                Piece::Csrf => &csrf,
                Piece::Nonce => &nonce,
                Piece::Main => main,
            });
        }
        html
    }
}

/// Where the frame's variable parts go, as rendered.
struct Marks {
    csrf: String,
    nonce: String,
    main: String,
}

impl Marks {
    fn new() -> Self {
        // Letters, digits, '-' and '_': the same in HTML text and attributes as in the source.
        let mark = |what: &str| format!("settle-{what}-{}", settle_core::tokens::random_b64(18));
        Self {
            csrf: mark("csrf"),
            nonce: mark("nonce"),
            main: mark("main"),
        }
    }
}

/// The kept frames of one server.
pub struct Frames {
    options: LeptosOptions,
    marks: Marks,
    kept: RwLock<HashMap<Key, Kept>>,
}

impl Frames {
    pub fn new(options: LeptosOptions) -> Self {
        Self {
            options,
            marks: Marks::new(),
            kept: RwLock::new(HashMap::new()),
        }
    }

    /// The whole page: `main`, a page's main content as rendered (under the request's reactive
    /// owner, whose context its components may use), in the frame for `shell` and `title`.
    pub async fn page(&self, shell: &ShellView, title: String, main: &str, nonce: &str) -> String {
        let key = Key {
            tenant: shell.tenant.slug.clone(),
            locale: shell.locale,
            title,
            signed_in: shell.user.is_some(),
        };
        let kept = (self.kept.read().unwrap_or_else(|e| e.into_inner()).get(&key))
            .filter(|k| k.look == shell.tenant)
            .map(|k| k.skeleton.clone());
        let skeleton = match kept {
            Some(s) => Some(s),
            None => self.render(&key, shell).await.map(|s| {
                let skeleton = Arc::new(s);
                let mut kept = self.kept.write().unwrap_or_else(|e| e.into_inner());
                if kept.len() >= KEPT {
                    kept.clear();
                }
                let look = shell.tenant.clone();
                kept.insert(
                    key.clone(),
                    Kept {
                        look,
                        skeleton: skeleton.clone(),
                    },
                );
                skeleton
            }),
        };
        match skeleton {
            Some(s) => s.fill(main, &shell.csrf, nonce),
            // The frame did not hold its mark once (it does, as tested): render it all.
            None => {
                tracing::error!("a page frame could not be cut at its marks; rendering whole pages");
                let page = Page::new(key.title, InertElement::new(main.to_string()));
                whole_page(&self.options, shell.clone(), page, nonce).await
            }
        }
    }

    /// The frame for `key`, with the marks in it.
    async fn render(&self, key: &Key, shell: &ShellView) -> Option<Skeleton> {
        let dev_mode = shell.dev_mode;
        let shell = ShellView {
            tenant: shell.tenant.clone(),
            locale: key.locale,
            user: key.signed_in.then(|| UserView {
                name: String::new(),
                full_login: false,
            }),
            staff: None,
            csrf: self.marks.csrf.clone(),
            flash: None,
            dev_mode,
        };
        let page = Page::new(key.title.clone(), InertElement::new(self.marks.main.clone()));
        let html = whole_page(&self.options, shell, page, &self.marks.nonce).await;
        Skeleton::cut(&html, &self.marks)
    }
}

/// `page` in its frame in the document, rendered as a whole under a reactive owner of its own.
async fn whole_page(options: &LeptosOptions, shell: ShellView, page: Page, nonce: &str) -> String {
    let owner = Owner::new_root(None);
    let (meta, meta_out) = ServerMetaContext::new();
    let html = owner.with(|| {
        provide_context(meta);
        leptos_meta::provide_meta_context();
        provide_context(leptos::nonce::Nonce::from_value(nonce));
        settle_app::document(options.clone(), page.framed(shell)).to_html()
    });
    let html = meta_out
        .inject_meta_context(futures_util::stream::once(std::future::ready(html)))
        .await
        .collect::<String>()
        .await;
    drop(owner);
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use settle_domain::views::{Flash, TenantView};

    fn shell(locale: Locale, signed_in: bool, name: &str) -> ShellView {
        ShellView {
            tenant: TenantView {
                slug: "demo".into(),
                name: name.into(),
                primary: "#0b5cad".into(),
                accent: "#b8400e".into(),
                support_phone: "+31 20 123 45 67".into(),
                support_email: "help@demo.test".into(),
                support_hours: "ma-vr 08:00-20:00".into(),
                legal_footer: "Demo N.V. <KvK> & \"co\"".into(),
            },
            locale,
            user: signed_in.then(|| UserView {
                name: "Jan de Vries".into(),
                full_login: true,
            }),
            staff: None,
            csrf: "a20788.Pk8vrRg-MKKt4TPXrr52KiDI8zIHvPH5VThJNqcGTvY".into(),
            flash: Some(Flash::default()),
            dev_mode: false,
        }
    }

    fn main_content(l: Locale) -> Page {
        let text = settle_domain::i18n::t(l, settle_domain::i18n::Key::PayTitle);
        Page::new(
            text,
            view! {
                <h1>{text}" & more"</h1>
                <p>{(l == Locale::De).then_some("optional")}</p>
                <settle_app::ui::CopyButton value="NL91".into() label="Copy".into() what="IBAN".into()
                    done="Copied".into()/>
                <form method="post" action="/x"><button>"go"</button></form>
            },
        )
    }

    /// As `direct_pages` does: the main content rendered under the request's owner.
    async fn kept_page(frames: &Frames, s: &ShellView, nonce: &str) -> String {
        let owner = Owner::new_root(None);
        let Page { title, main } = owner.with(|| main_content(s.locale));
        let main = owner.with(|| main.to_html());
        frames.page(s, title, &main, nonce).await
    }

    /// On actix's runtime, with the server's task spawner, as a request.
    fn run<F: std::future::Future>(f: F) -> F::Output {
        let _ = crate::route_list();
        actix_web::rt::System::new().block_on(f)
    }

    #[test]
    fn a_kept_frame_gives_the_same_page_as_rendering_it_whole() {
        run(async {
            let options = LeptosOptions::builder().output_name("settle").build();
            let frames = Frames::new(options.clone());
            for (locale, signed_in, name) in [
                (Locale::Nl, false, "Zorg Demo"),
                (Locale::De, true, "Zorg Demo"),
                (Locale::En, true, "Energie <Demo>"),
            ] {
                let s = shell(locale, signed_in, name);
                // Twice: rendering the frame, then from the kept one.
                for nonce in ["n0nce-1", "n0nce-2"] {
                    let whole = whole_page(&options, s.clone(), main_content(locale), nonce).await;
                    let kept = kept_page(&frames, &s, nonce).await;
                    assert_eq!(kept, whole, "{locale:?} signed in: {signed_in}");
                    assert!(whole.contains(&s.csrf) && whole.contains(nonce));
                }
            }
            assert_eq!(frames.kept.read().expect("lock").len(), 3);
        });
    }

    #[test]
    fn a_changed_look_or_language_is_rendered_anew() {
        run(async {
            let frames = Frames::new(LeptosOptions::builder().output_name("settle").build());
            let before = kept_page(&frames, &shell(Locale::Nl, false, "Old Name"), "n").await;
            let after = kept_page(&frames, &shell(Locale::Nl, false, "New Name"), "n").await;
            let german = kept_page(&frames, &shell(Locale::De, false, "New Name"), "n").await;
            assert!(before.contains("Old Name") && !after.contains("Old Name") && after.contains("New Name"));
            assert!(german.contains("lang=\"de\"") && after.contains("lang=\"nl\""));
        });
    }

    #[test]
    fn a_frame_without_its_main_mark_once_is_not_kept() {
        let marks = Marks::new();
        assert!(Skeleton::cut("<main></main>", &marks).is_none());
        let twice = format!("{}{}", marks.main, marks.main);
        assert!(Skeleton::cut(&twice, &marks).is_none());
        let once = format!("<a {}>{}</a>{}", marks.csrf, marks.main, marks.nonce);
        let s = Skeleton::cut(&once, &marks).expect("cut");
        assert_eq!(s.fill("M", "c\"", "n"), "<a c&quot;>M</a>n");
    }
}
