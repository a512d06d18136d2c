//! The tenant's logo (admins upload it on the branding page): PNG or SVG, at most 1 MB. An SVG is
//! parsed with the guards of `svg_logo` and rasterised with resvg; a PNG is decoded and encoded
//! again, which drops its metadata and whatever else its chunks carried. Only that PNG is served
//! (`/logo.png`); the SVG is kept for letters, which print it as vectors.
use crate::audit;
use crate::entities::tenant;
use crate::error::{ServiceError, ServiceResult};
use crate::staff::{Role, StaffScope};
use crate::state::AppState;
use resvg::tiny_skia::{Pixmap, Transform};
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};
use serde_json::json;
use sha2::{Digest, Sha256};

pub const MAX_BYTES: usize = 1 << 20;
/// Either side of an uploaded PNG, read from its header before anything is decoded.
const MAX_SIDE: u32 = 2048;
/// The PNG made from an SVG: this high (twice the header's logo, for sharp phone screens), at
/// most this wide.
const HEIGHT: f32 = 128.0;
const MAX_WIDTH: f32 = 512.0;
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// An upload made ready to store: the PNG to serve and, for an SVG, the SVG for letters.
#[derive(Debug)]
pub struct Prepared {
    pub png: Vec<u8>,
    pub svg: Option<String>,
    pub width: u32,
    pub height: u32,
}

/// Checks and converts an upload; the error is the message code shown at the file field.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, &'static str> {
    if bytes.is_empty() {
        return Err("file_required");
    }
    if bytes.len() > MAX_BYTES {
        return Err("logo_too_large");
    }
    if bytes.starts_with(PNG_MAGIC) {
        let side = |at: usize| {
            bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
        };
        match (side(16), side(20)) {
            (Some(w), Some(h)) if w <= MAX_SIDE && h <= MAX_SIDE => {}
            (Some(_), Some(_)) => return Err("logo_too_many_pixels"),
            _ => return Err("logo_unreadable"),
        }
        let pixmap = Pixmap::decode_png(bytes).map_err(|_| "logo_unreadable")?;
        let png = pixmap.encode_png().map_err(|_| "logo_unreadable")?;
        return Ok(Prepared {
            png,
            svg: None,
            width: pixmap.width(),
            height: pixmap.height(),
        });
    }
    let svg = std::str::from_utf8(bytes).map_err(|_| "logo_unreadable")?;
    let (png, width, height) = rasterise(svg).ok_or("logo_unreadable")?;
    Ok(Prepared {
        png,
        svg: Some(svg.to_string()),
        width,
        height,
    })
}

/// The SVG as a PNG `HEIGHT` high (or `MAX_WIDTH` wide), with its size; `None` when it gives
/// nothing drawable.
fn rasterise(svg: &str) -> Option<(Vec<u8>, u32, u32)> {
    crate::svg_logo::with_tree(svg, |tree| {
        let (w, h) = (tree.size().width(), tree.size().height());
        let scale = (HEIGHT / h).min(MAX_WIDTH / w);
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        let (pw, ph) = ((w * scale).ceil() as u32, (h * scale).ceil() as u32);
        let mut pixmap = Pixmap::new(pw.max(1), ph.max(1))?;
        resvg::render(tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
        Some((pixmap.encode_png().ok()?, pw, ph))
    })
}

/// What `/logo.png` serves: the stored PNG, or for a tenant that has none yet its SVG rasterised.
pub fn served(row: &tenant::Model) -> Option<Vec<u8>> {
    row.brand_logo_png
        .clone()
        .or_else(|| rasterise(&row.brand_logo_svg).map(|(png, _, _)| png))
}

/// The PNG for a logo given as SVG (demo tenants are seeded with one).
pub fn png_of_svg(svg: &str) -> Option<Vec<u8>> {
    rasterise(svg).map(|(png, _, _)| png)
}

/// A short fingerprint of a logo: its HTTP entity tag, and what the audit log records.
pub fn fingerprint(png: &[u8]) -> String {
    hex::encode(&Sha256::digest(png)[..12])
}

/// Stores an uploaded logo, audited with the fingerprints of the old and the new one.
pub async fn save(state: &AppState, scope: &StaffScope, bytes: Vec<u8>) -> ServiceResult<Prepared> {
    scope.require(Role::Admin)?;
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("logo task: {e}")))?
        .map_err(|code| ServiceError::Invalid([("logo".to_string(), code.to_string())].into()))?;
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let row = tenant::Entity::find_by_id(scope.tenant_id())
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = row.brand_logo_png.as_deref().map(fingerprint);
    let mut active: tenant::ActiveModel = row.into();
    active.brand_logo_png = Set(Some(prepared.png.clone()));
    active.brand_logo_svg = Set(prepared.svg.clone().unwrap_or_default());
    active.update(&tx).await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "logo_uploaded",
        json!({
            "before": before,
            "after": fingerprint(&prepared.png),
            "from": if prepared.svg.is_some() { "svg" } else { "png" },
            "width": prepared.width,
            "height": prepared.height,
        }),
    )
    .await?;
    tx.commit().await?;
    state.tenants.clear();
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><rect width="200" height="50" fill="#1f4e79"/></svg>"##;

    #[test]
    fn svg_becomes_a_png_of_the_header_size_and_is_kept_for_letters() {
        let p = prepare(SVG.as_bytes()).unwrap();
        assert!(p.png.starts_with(PNG_MAGIC));
        assert_eq!((p.width, p.height), (512, 128));
        assert_eq!(p.svg.as_deref(), Some(SVG));
        let pixmap = Pixmap::decode_png(&p.png).unwrap();
        let c = pixmap.pixel(10, 10).unwrap().demultiply();
        assert_eq!((c.red(), c.green(), c.blue(), c.alpha()), (0x1f, 0x4e, 0x79, 255));
    }

    #[test]
    fn png_is_encoded_anew_and_bad_files_are_refused() {
        let mut pixmap = Pixmap::new(3, 2).unwrap();
        pixmap.fill(resvg::tiny_skia::Color::from_rgba8(10, 20, 30, 255));
        let mut png = pixmap.encode_png().unwrap();
        // A text chunk hidden before IEND goes; the picture stays.
        let iend = png.len() - 12;
        png.splice(
            iend..iend,
            b"\x00\x00\x00\x05tEXtx\x00abc\x00\x00\x00\x00".iter().copied(),
        );
        let p = prepare(&png).unwrap();
        assert_eq!((p.width, p.height, p.svg), (3, 2, None));
        assert!(!p.png.windows(4).any(|w| w == b"tEXt"));
        assert_eq!(prepare(b"").unwrap_err(), "file_required");
        assert_eq!(prepare(&vec![b' '; MAX_BYTES + 1]).unwrap_err(), "logo_too_large");
        assert_eq!(prepare(b"GIF89a....").unwrap_err(), "logo_unreadable");
        assert_eq!(
            prepare(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err(),
            "logo_unreadable"
        );
        assert_eq!(prepare(&png[..40]).unwrap_err(), "logo_unreadable");
        let mut huge = png.clone();
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(prepare(&huge).unwrap_err(), "logo_too_many_pixels");
    }
}
