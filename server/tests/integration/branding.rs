//! Branding (admins): the logo as PNG or SVG, only ever served as a PNG.
use crate::backoffice::{as_admin, as_agent};
use crate::support::*;
use settle_core::entities::{audit_event, tenant};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><script>alert(1)</script><rect width="300" height="100" fill="#004488"/></svg>"##;

async fn upload(app: &TestApp, csrf: &str, file: Option<(&str, &[u8])>) -> reqwest::Response {
    let file = file.map(|(name, bytes)| ("logo", name, bytes));
    post_multipart(app, "/backoffice/branding/logo", &[("csrf", csrf)], file).await
}

/// The served logo's size, read from the PNG header; and its entity tag.
async fn served(app: &TestApp) -> ((u32, u32), String) {
    let res = app.get("/logo.png").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let png = res.bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let side = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    ((side(16), side(20)), etag)
}

async fn row(app: &TestApp) -> tenant::Model {
    tenant::Entity::find_by_id(app.tenant().await.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_admin_uploads_a_logo_that_is_served_only_as_png() {
    let app = spawn_app().await;
    // The demo logo, seeded as SVG, is served as PNG; the SVG itself is not served at all.
    let (_, seeded) = served(&app).await;
    assert_eq!(app.get("/icon.svg").await.status(), 404);
    let portal = app.html("/login").await;
    assert!(portal.contains(r#"<img class="logo" src="/logo.png""#), "{portal}");
    assert!(!portal.contains("<svg"), "no inline SVG from the tenant");
    // Unchanged since: revalidation answers 304.
    let res = app
        .client
        .get(app.url("/logo.png"))
        .header("if-none-match", &seeded)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // Agents may not.
    as_agent(&app).await;
    let csrf = app.csrf("/backoffice").await;
    let res = upload(&app, &csrf, Some(("logo.svg", SVG.as_bytes()))).await;
    assert_eq!(res.status(), 403);

    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html("/backoffice/branding").await;
    assert!(page.contains(r#"enctype="multipart/form-data""#) && page.contains("Nieuw logo (PNG of SVG)"));
    let csrf = csrf_in(&page).unwrap();
    // Bad input: nothing chosen, not an image, too large, a forged token; the logo stays.
    type File<'a> = Option<(&'a str, &'a [u8])>;
    let bad: [(File, &str); 3] = [
        (None, "Kies een bestand."),
        (
            Some(("logo.gif", b"GIF89a....")),
            "Dit is geen bruikbaar PNG- of SVG-bestand",
        ),
        (
            Some(("big.svg", &[b' '; (1 << 20) + 10])),
            "Het logo is te groot (hoogstens 1 MB).",
        ),
    ];
    for (file, message) in bad {
        let res = upload(&admin, &csrf, file).await;
        assert_eq!(location(&res), "/backoffice/branding");
        let page = admin.html("/backoffice/branding").await;
        assert!(page.contains(message), "{message}: {page}");
        assert!(page.contains(r#"aria-describedby="f-logo-hint f-logo-err""#));
    }
    upload(&admin, "forged", Some(("logo.svg", SVG.as_bytes()))).await;
    assert_eq!(served(&app).await.1, seeded);

    // An SVG: rasterised to 128 px high (its script goes nowhere), kept as SVG for letters.
    let res = upload(&admin, &csrf, Some(("logo.svg", SVG.as_bytes()))).await;
    assert_eq!(location(&res), "/backoffice/branding");
    assert!(admin.html("/backoffice/branding").await.contains("Logo opgeslagen"));
    let ((w, h), after_svg) = served(&app).await;
    assert_eq!((w, h), (384, 128));
    assert_ne!(after_svg, seeded);
    assert_eq!(row(&app).await.brand_logo_svg, SVG);

    // A PNG: encoded anew and served; letters print the PNG (no SVG left over from before).
    let png = {
        use resvg::tiny_skia::{Color, Pixmap};
        let mut p = Pixmap::new(200, 60).unwrap();
        p.fill(Color::from_rgba8(0, 68, 136, 255));
        p.encode_png().unwrap()
    };
    upload(&admin, &csrf, Some(("logo.png", &png))).await;
    assert_eq!(served(&app).await.0, (200, 60));
    let r = row(&app).await;
    assert!(r.brand_logo_svg.is_empty() && r.brand_logo_png.is_some());
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("logo_uploaded"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audited, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn the_mail_dns_records_are_checked_live_against_what_is_published() {
    use settle_core::dns_check::loopback;
    use settle_core::services::email_settings::{self, Algorithm, DkimKey, Identity};
    use settle_core::state::DnsLookup;
    // What the creditor published: SPF right, DKIM with an old key, no DMARC.
    let old = DkimKey::generate(Algorithm::Ed25519).unwrap();
    let dns = loopback::serve(vec![
        ("zorg.example".into(), vec!["v=spf1 include:relay.example -all".into()]),
        ("s1._domainkey.zorg.example".into(), vec![old.dns_txt()]),
    ])
    .await
    .unwrap();
    let app = spawn_app_with(settle_core::state::RunMode::Dev, |s| s.dns = DnsLookup::Server(dns)).await;
    let key = DkimKey::generate(Algorithm::Ed25519).unwrap();
    let identity = Identity {
        from: "Zorg <noreply@zorg.example>",
        reply_to: None,
        dkim: Some(("zorg.example", "s1", &key)),
    };
    let tenant = app.tenant().await;
    email_settings::save(
        &app.state.db,
        &app.state.keys,
        app.state.clock.now(),
        tenant.id,
        &identity,
    )
    .await
    .unwrap();
    as_admin(&app).await;
    let page = app.html("/backoffice/branding").await;
    let cell = |purpose: &str| {
        let at = page.find(&format!(r#"data-testid="dns-{purpose}""#)).unwrap();
        page[at..at + page[at..].find("</td>").unwrap()].to_string()
    };
    assert!(cell("spf").contains("✓ Gepubliceerd"), "{}", cell("spf"));
    let dkim = cell("dkim");
    assert!(dkim.contains("niet juist") && dkim.contains(&old.public_b64), "{dkim}");
    assert!(page.contains(&key.dns_txt()), "the record to publish");
    assert!(cell("dmarc").contains("Nog niet gevonden"));
    app.cleanup().await;
}
