//! The rule for new passwords (OWASP ASVS, NIST 800-63B): 8 to 128 characters, no
//! composition rules, not one of the most common passwords.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("too common")]
    TooCommon,
}

impl PasswordProblem {
    pub fn code(&self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password_too_short",
            PasswordProblem::TooLong => "password_too_long",
            PasswordProblem::TooCommon => "password_too_common",
        }
    }
}

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// Common passwords of 8+ characters (shorter ones fail the length rule anyway), including
/// Dutch and German favourites; lower case, since the check ignores case.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "12341234",
    "123123123",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "1q2w3e4r",
    "1qaz2wsx",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "welcome1",
    "welcome123",
    "letmein1",
    "trustno1",
    "whatever",
    "starwars",
    "computer",
    "michelle",
    "jennifer",
    "corvette",
    "mercedes",
    "internet",
    "abcdefgh",
    "abcd1234",
    "aa123456",
    "asdfghjk",
    "zxcvbnm1",
    "access14",
    "master12",
    "shadow12",
    "monkey12",
    "dragon12",
    "qazwsxedc",
    "passwort",
    "passwort1",
    "hallo123",
    "schatz12",
    "fussball",
    "schalke04",
    "wachtwoord",
    "wachtwoord1",
    "welkom01",
    "welkom123",
    "geheim12",
    "voetbal1",
    "feyenoord",
    "ajax1900",
    "amsterdam",
    "liverpool",
    "chelsea1",
    "arsenal1",
    "changeme",
    "default1",
    "administrator",
    "admin123",
    "adminadmin",
    "secret12",
    "test1234",
    "testtest",
    "demo1234",
    "summer2024",
    "winter2024",
    "summer2025",
    "winter2025",
    "summer2026",
    "winter2026",
    "lol12345",
    "q1w2e3r4",
    "zaq12wsx",
    "p@ssw0rd",
    "p@ssword",
    "azertyui",
    "samsung1",
    "google123",
    "computer1",
    "hello123",
    "freedom1",
    "charlie1",
    "jordan23",
    "michael1",
    "daniel12",
    "1234qwer",
    "qwer1234",
    "123qweasd",
    "987654321",
    "999999999",
    "88888888",
    "66666666",
];

/// Length counts characters, not bytes: "é" is one letter to the person typing it.
/// No trimming: spaces are part of a passphrase.
pub fn check_new_password(pw: &str) -> Result<(), PasswordProblem> {
    let n = pw.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if COMMON.contains(&pw.to_lowercase().as_str()) {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_characters_are_too_short_and_eight_enough() {
        assert_eq!(check_new_password("kort"), Err(PasswordProblem::TooShort));
        assert_eq!(check_new_password(""), Err(PasswordProblem::TooShort));
        assert_eq!(check_new_password("zvq3tmb"), Err(PasswordProblem::TooShort));
        assert_eq!(check_new_password("zvq3tmbk"), Ok(()));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(check_new_password("ééééééé"), Err(PasswordProblem::TooShort));
        assert_eq!(check_new_password("éééééééé"), Ok(()));
        assert_eq!(check_new_password(&"é".repeat(MAX_CHARS)), Ok(()));
    }

    #[test]
    fn more_than_128_characters_is_too_long() {
        assert_eq!(check_new_password(&"x".repeat(MAX_CHARS)), Ok(()));
        assert_eq!(
            check_new_password(&"x".repeat(MAX_CHARS + 1)),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn no_composition_rules_apply() {
        assert_eq!(check_new_password("paarse olifant danst"), Ok(()));
        assert_eq!(check_new_password("alleenkleineletters"), Ok(()));
        assert_eq!(check_new_password("  spaties  tellen  "), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for pw in [
            "password",
            "12345678",
            "qwertyui",
            "wachtwoord",
            "Wachtwoord",
            "PASSWORT",
            "iLoveYou",
        ] {
            assert_eq!(check_new_password(pw), Err(PasswordProblem::TooCommon), "{pw}");
        }
    }

    #[test]
    fn a_common_password_with_something_added_is_allowed() {
        assert_eq!(check_new_password("password paardenbloem"), Ok(()));
    }

    #[test]
    fn every_listed_password_would_otherwise_pass_so_none_is_dead_weight() {
        assert!(COMMON.len() >= 100);
        for pw in COMMON {
            assert!(pw.chars().count() >= MIN_CHARS, "{pw} fails the length rule already");
            assert_eq!(pw.to_lowercase(), *pw, "{pw} can never match a lower-cased input");
        }
        let mut unique = COMMON.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), COMMON.len());
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(PasswordProblem::TooShort.code(), "password_too_short");
        assert_eq!(PasswordProblem::TooLong.code(), "password_too_long");
        assert_eq!(PasswordProblem::TooCommon.code(), "password_too_common");
    }
}
