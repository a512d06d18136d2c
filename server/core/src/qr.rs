//! QR codes as SVG at error level M: EPC payment codes (at most version 13, EPC069-12) and
//! others (a staff member's authenticator setup).
use qrcode::{EcLevel, QrCode, Version};

fn code(payload: &str) -> anyhow::Result<QrCode> {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|e| anyhow::anyhow!("qr: {e}"))
}

fn render(code: &QrCode) -> String {
    code.render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build()
}

pub fn epc_svg(payload: &str) -> anyhow::Result<String> {
    let code = code(payload)?;
    match code.version() {
        Version::Normal(v) if v <= 13 => {}
        other => anyhow::bail!("EPC QR needs version <= 13, payload needs {other:?}"),
    }
    Ok(render(&code))
}

/// Where the EPC QR code of a transfer to the tenant quoting `rf_reference` is served. The path
/// holds only the reference and the amount: the image is drawn with the host's own IBAN and name,
/// so nobody can have the creditor's domain show a code that pays someone else.
pub fn epc_path(rf_reference: &str, amount: settle_domain::money::Money) -> String {
    format!("/qr/epc/{}/{}.svg", rf_reference.replace(' ', ""), amount.cents)
}

pub fn svg(payload: &str) -> anyhow::Result<String> {
    Ok(render(&code(payload)?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_svg_for_a_typical_payload() {
        let svg =
            super::epc_svg("BCD\n002\n1\nSCT\n\nVoorbeeld N.V.\nNL91ABNA0417164300\nEUR123.45\n\nRF18539007547034")
                .unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
        assert!(svg.contains("<svg"));
    }
}
