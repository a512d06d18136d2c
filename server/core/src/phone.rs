//! Phone numbers as debtors type them: normalised to E.164 with the `phonenumber` crate (Google's
//! libphonenumber metadata), the tenant's country as the default region. Only mobile numbers
//! can take SMS.
use phonenumber::{country, Mode, PhoneNumber};

fn region(code: &str) -> Option<country::Id> {
    code.parse().ok()
}

fn parse(typed: &str, default_country: &str) -> Result<PhoneNumber, &'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("required");
    }
    if typed.chars().count() > 32 {
        return Err("phone_invalid");
    }
    let number: PhoneNumber = phonenumber::parse(region(default_country), typed).map_err(|_| "phone_invalid")?;
    if !phonenumber::is_valid(&number) {
        return Err("phone_invalid");
    }
    Ok(number)
}

/// Any valid number (a landline can take a call), in E.164.
pub fn e164(typed: &str, default_country: &str) -> Result<String, &'static str> {
    Ok(parse(typed, default_country)?.format().mode(Mode::E164).to_string())
}

/// `+31612345678` for "06 12345678" in the Netherlands; the error code for the form otherwise.
pub fn mobile_e164(typed: &str, default_country: &str) -> Result<String, &'static str> {
    let number = parse(typed, default_country)?;
    match number.number_type(&phonenumber::metadata::DATABASE) {
        phonenumber::Type::Mobile | phonenumber::Type::FixedLineOrMobile => {}
        _ => return Err("phone_not_mobile"),
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::mobile_e164;

    #[test]
    fn mobile_numbers_become_e164_in_the_tenants_country() {
        let cases: &[(&str, &str, Result<&str, &str>)] = &[
            ("06 12345678", "NL", Ok("+31612345678")),
            ("+31 6 1234 5678", "DE", Ok("+31612345678")),
            ("0031612345678", "NL", Ok("+31612345678")),
            ("0151 23456789", "DE", Ok("+4915123456789")),
            ("020 123 4567", "NL", Err("phone_not_mobile")),
            ("12345", "NL", Err("phone_invalid")),
            ("not a number", "NL", Err("phone_invalid")),
            ("", "NL", Err("required")),
        ];
        for (typed, country, want) in cases {
            assert_eq!(mobile_e164(typed, country).as_deref().map_err(|e| *e), *want, "{typed}");
        }
        assert_eq!(
            super::e164("020 123 4567", "NL").as_deref(),
            Ok("+31201234567"),
            "a landline takes calls"
        );
    }
}
