//! The rule for new passwords (OWASP ASVS): 8 to 128 characters, no composition rules, not
//! one of the most common passwords.

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
/// Dutch and German favourites.
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

pub fn check_new_password(pw: &str) -> Result<(), PasswordProblem> {
    let n = pw.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = pw.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(check_new_password("kort"), Err(PasswordProblem::TooShort));
        assert_eq!(check_new_password("ééééééé"), Err(PasswordProblem::TooShort));
        assert!(check_new_password("éééééééé").is_ok());
        assert_eq!(check_new_password(&"x".repeat(129)), Err(PasswordProblem::TooLong));
        assert!(check_new_password(&"x".repeat(64)).is_ok());
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        assert_eq!(check_new_password("Wachtwoord"), Err(PasswordProblem::TooCommon));
        assert_eq!(check_new_password("PASSWORT"), Err(PasswordProblem::TooCommon));
        assert!(check_new_password("paarse olifant danst").is_ok());
    }
}
