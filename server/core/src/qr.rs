//! EPC QR codes as SVG, at error level M and at most version 13 (EPC069-12).
use qrcode::{EcLevel, QrCode, Version};

pub fn epc_svg(payload: &str) -> anyhow::Result<String> {
    let code =
        QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|e| anyhow::anyhow!("qr: {e}"))?;
    match code.version() {
        Version::Normal(v) if v <= 13 => {}
        other => anyhow::bail!("EPC QR needs version <= 13, payload needs {other:?}"),
    }
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build())
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
