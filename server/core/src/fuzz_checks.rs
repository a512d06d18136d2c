//! What the fuzz targets (`fuzz/`, run by `make fuzz` and in CI) check on arbitrary bytes: bank
//! statements (camt.05x and MT940), customer and invoice imports (CSV and JSON Lines), templates
//! as staff write them, bounce reports, and (from `settle_domain`) RF references, IBANs and typed
//! amounts. Each must answer or refuse, never panic. Every file kept in `fuzz/corpus/<target>`
//! and `fuzz/regressions/<target>` (the crashes found, once fixed) runs through the same check
//! in `cargo test`.
use crate::api::import::{self, Kind};
use settle_domain::dunning::steps::Channel;
use settle_domain::dunning::texts::sample_facts;
pub use settle_domain::fuzz_checks::{iban, money, rf};
use settle_domain::locale::Locale;

pub fn statements(data: &[u8]) {
    let _ = crate::statements::parse(data, |_| Ok(()));
}

pub fn import(data: &[u8]) {
    for kind in [Kind::Customers, Kind::Invoices] {
        if let Ok((read, refused)) = import::read_only(kind, data) {
            assert!(refused as u64 <= read, "no more refusals than rows");
        }
    }
}

/// The first line is the subject, the rest the body, as a template form sends them.
pub fn template(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
    for (channel, locale) in [
        (Channel::Email, Locale::Nl),
        (Channel::Sms, Locale::De),
        (Channel::Letter, Locale::En),
    ] {
        if crate::templates::check(channel, locale, subject, body).is_ok() {
            // A draft that passed the check renders (or fails cleanly, out of fuel) with real facts.
            let _ = crate::templates::render(subject, body, &sample_facts(locale, channel));
        }
    }
}

pub fn dsn(data: &[u8]) {
    let _ = crate::dunning::bounces::parse_dsn(&String::from_utf8_lossy(data));
}

/// A check on arbitrary bytes: returns, or panics on what it found.
pub type Check = fn(&[u8]);

/// Every fuzz target by name, as `fuzz/fuzz_targets/<name>.rs` calls it.
pub const TARGETS: &[(&str, Check)] = &[
    ("statements", statements),
    ("import", import),
    ("template", template),
    ("dsn", dsn),
    ("rf", rf),
    ("iban", iban),
    ("money", money),
];

#[cfg(test)]
mod tests {
    use super::TARGETS;
    use std::path::Path;

    #[test]
    fn every_kept_fuzz_input_passes_its_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
        let mut ran = 0;
        for (name, check) in TARGETS {
            let mut of_target = 0;
            for dir in ["corpus", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                    continue;
                };
                for entry in entries {
                    let path = entry.unwrap().path();
                    if path.is_file() {
                        check(&std::fs::read(&path).unwrap());
                        of_target += 1;
                    }
                }
            }
            assert!(of_target > 0, "{name} has a corpus");
            ran += of_target;
        }
        assert!(ran >= TARGETS.len());
    }
}
