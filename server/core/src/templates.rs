//! Rendering tenant-edited message templates (minijinja): plain text, no auto-escaping (the HTML
//! part is built from the text and escaped there), unknown variables are errors, and fuel bounds
//! what a template may cost. `check` says everything wrong with a draft before it is saved.
use minijinja::{Environment, UndefinedBehavior};
use settle_domain::dunning::steps::Channel;
use settle_domain::dunning::texts::{sample_facts, Facts, Text, VARIABLES};
use settle_domain::locale::Locale;
use std::collections::BTreeMap;

/// The most characters a subject or body may have.
pub const MAX_LEN: usize = 10_000;
/// Enough for any honest template many times over; a loop of loops runs out.
const FUEL: u64 = 50_000;
/// The most SMS segments a message may take.
pub const MAX_SMS_SEGMENTS: usize = 3;

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_fuel(Some(FUEL));
    env
}

/// Renders one template source against the facts.
pub fn render_one(source: &str, facts: &Facts<'_>) -> Result<String, String> {
    let env = env();
    let t = env.template_from_str(source).map_err(|e| e.to_string())?;
    t.render(facts).map_err(|e| e.to_string())
}

pub fn render(subject: &str, body: &str, facts: &Facts<'_>) -> Result<Text, String> {
    Ok(Text {
        subject: render_one(subject, facts)?.trim().to_string(),
        body: render_one(body, facts)?,
    })
}

/// What is wrong with a draft, field by field (`subject`, `body`), as codes the page explains;
/// the unknown variables are named in `unknown`.
pub fn check(channel: Channel, locale: Locale, subject: &str, body: &str) -> Result<Text, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let known: Vec<&str> = VARIABLES.iter().map(|(n, _)| *n).collect();
    let env = env();
    let mut vars = std::collections::HashSet::new();
    for (field, source) in [("subject", subject), ("body", body)] {
        if source.chars().count() > MAX_LEN {
            errors.insert(field.to_string(), "too_long".to_string());
            continue;
        }
        match env.template_from_str(source) {
            Ok(t) => vars.extend(t.undeclared_variables(false)),
            Err(_) => {
                errors.insert(field.to_string(), "template_syntax".to_string());
            }
        }
    }
    // The engine's own functions (range, dict, ...) are not variables.
    let builtin: Vec<&str> = env.globals().map(|(n, _)| n).collect();
    let mut unknown: Vec<String> = vars
        .iter()
        .filter(|v| !known.contains(&v.as_str()) && !builtin.contains(&v.as_str()))
        .cloned()
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        errors.insert("body".to_string(), "template_unknown_variable".to_string());
        errors.insert("unknown".to_string(), unknown.join(", "));
    }
    if channel != Channel::Sms && subject.trim().is_empty() {
        errors.insert("subject".to_string(), "required".to_string());
    }
    if body.trim().is_empty() {
        errors.insert("body".to_string(), "required".to_string());
    } else if !vars.contains("link") && !errors.contains_key("body") {
        // Every message must let the debtor pay (on paper: the address to type the code at).
        errors.insert("body".to_string(), "template_link_missing".to_string());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sample = sample_facts(locale, channel);
    let text = render(subject, body, &sample).map_err(|e| {
        let code = if e.contains("fuel") {
            "template_too_complex"
        } else {
            "template_syntax"
        };
        BTreeMap::from([("body".to_string(), code.to_string())])
    })?;
    if channel == Channel::Sms && settle_domain::sms::segments(&text.body).count > MAX_SMS_SEGMENTS {
        return Err(BTreeMap::from([("body".to_string(), "sms_too_long".to_string())]));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use settle_domain::dunning::steps::StepKind;
    use settle_domain::dunning::texts::{default_source, message};

    #[test]
    fn the_shipped_wording_as_a_template_renders_exactly_as_the_built_in_text() {
        for l in [Locale::Nl, Locale::De, Locale::En] {
            for kind in StepKind::ALL {
                for channel in Channel::WRITTEN {
                    let source = default_source(l, kind, channel);
                    for pre_due in [false, true] {
                        let mut f = sample_facts(l, channel);
                        f.pre_due = pre_due;
                        for (fee, interest, code) in [
                            (None, None, None),
                            (Some("€ 7,50"), Some("€ 1,10"), Some("ABCDE-FGHJK")),
                        ] {
                            f.fee = fee;
                            f.interest = interest;
                            f.login_code = code;
                            let want = message(l, kind, channel, &f);
                            let got = render(&source.subject, &source.body, &f).unwrap();
                            assert_eq!(got, want, "{l:?} {kind:?} {channel:?} pre_due={pre_due} fee={fee:?}");
                        }
                    }
                    assert!(
                        check(channel, l, &source.subject, &source.body).is_ok(),
                        "{l:?} {kind:?} {channel:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_draft_is_checked_for_syntax_unknown_variables_the_link_and_sms_length() {
        let l = Locale::Nl;
        let e = check(Channel::Email, l, "Herinnering", "{{ naam }} {{ link }}").unwrap_err();
        assert_eq!(e.get("body").map(String::as_str), Some("template_unknown_variable"));
        assert_eq!(e.get("unknown").map(String::as_str), Some("naam"));
        let e = check(Channel::Email, l, "Herinnering", "Beste {{ name }}, betaal").unwrap_err();
        assert_eq!(e.get("body").map(String::as_str), Some("template_link_missing"));
        let e = check(Channel::Email, l, "", "{% if %}").unwrap_err();
        assert_eq!(e.get("body").map(String::as_str), Some("template_syntax"));
        assert_eq!(e.get("subject").map(String::as_str), Some("required"));
        let long = format!("{} {{{{ link }}}}", "x".repeat(600));
        let e = check(Channel::Sms, l, "", &long).unwrap_err();
        assert_eq!(e.get("body").map(String::as_str), Some("sms_too_long"));
        let looping = "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}{{ link }}";
        let e = check(Channel::Email, l, "S", looping).unwrap_err();
        assert_eq!(e.get("body").map(String::as_str), Some("template_too_complex"));
        let ok = check(
            Channel::Email,
            l,
            "Factuur {{ invoice }}",
            "Beste {{ name }},\n{{ link }}",
        )
        .unwrap();
        assert_eq!(ok.subject, "Factuur 2026-0002");
    }
}
