//! Automated reminder calls through a Twilio-compatible voice API: the call script Settle
//! serves (TwiML: text to speech in the debtor's language, a keypad menu), the signed
//! addresses the provider fetches it from, and the check of who answered.
//!
//! Nothing about the debt (no invoice, amount or name) is said before the person who answered
//! has entered the digits of the debtor's postcode; a wrong entry gets one more try, then the
//! call ends. After that, the menu: 1 sends the payment link by SMS, 2 books a callback, 3
//! connects to the tenant's support number while it is open.
use crate::tokens::hmac_b64;
use quick_xml::escape::escape;
use settle_domain::i18n::voice::{vt, VoiceKey as V};
use settle_domain::locale::Locale;

/// Seconds the caller has to enter digits.
const GATHER_TIMEOUT: u32 = 8;

fn lang(l: Locale) -> &'static str {
    match l {
        Locale::Nl => "nl-NL",
        Locale::De => "de-DE",
        Locale::En => "en-GB",
    }
}

fn say(l: Locale, text: &str) -> String {
    format!("<Say language=\"{}\">{}</Say>", lang(l), escape(text))
}

fn gather(action: &str, digits: usize, inner: &str) -> String {
    format!(
        "<Gather input=\"dtmf\" numDigits=\"{digits}\" timeout=\"{GATHER_TIMEOUT}\" action=\"{}\" method=\"POST\">{inner}</Gather>",
        escape(action)
    )
}

fn doc(verbs: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>{}</Response>",
        verbs.concat()
    )
}

const HANGUP: &str = "<Hangup/>";

/// The script of one call, in the debtor's language, for the tenant named.
pub struct Script<'a> {
    pub locale: Locale,
    pub tenant: &'a str,
}

impl Script<'_> {
    fn say(&self, key: V) -> String {
        say(self.locale, vt(self.locale, key))
    }

    /// Who calls, and the request for the postcode's digits (`digits` of them); without a
    /// postcode to check against, the call ends without saying anything about the debt.
    pub fn start(&self, digits: Option<usize>, identify_url: &str) -> String {
        let hello = say(
            self.locale,
            &format!("{} {}.", vt(self.locale, V::Greeting), self.tenant),
        );
        match digits {
            None => doc(&[hello, self.say(V::NoCheck), HANGUP.into()]),
            Some(n) => doc(&[
                gather(identify_url, n, &format!("{hello}{}", self.say(V::EnterPostcode))),
                self.say(V::NotHeard),
                HANGUP.into(),
            ]),
        }
    }

    /// A wrong entry: once more, or (`again` none) the end of the call.
    pub fn wrong(&self, digits: usize, again: Option<&str>) -> String {
        match again {
            Some(url) => doc(&[
                gather(
                    url,
                    digits,
                    &format!("{}{}", self.say(V::WrongDigits), self.say(V::EnterPostcode)),
                ),
                self.say(V::NotHeard),
                HANGUP.into(),
            ]),
            None => doc(&[self.say(V::Refused), HANGUP.into()]),
        }
    }

    /// What is open, and the menu.
    pub fn facts(&self, invoice: &str, amount: &str, due: &str, menu_url: &str) -> String {
        let l = self.locale;
        let facts = format!(
            "{} {invoice}, {} {amount}, {} {due}.",
            vt(l, V::Invoice),
            vt(l, V::Amount),
            vt(l, V::Due)
        );
        doc(&[
            say(l, &facts),
            gather(menu_url, 1, &self.say(V::Menu)),
            self.say(V::NotHeard),
            HANGUP.into(),
        ])
    }

    /// The invoice was settled meanwhile.
    pub fn nothing_open(&self) -> String {
        doc(&[self.say(V::NothingOpen), HANGUP.into()])
    }

    pub fn link_sent(&self) -> String {
        doc(&[self.say(V::LinkSent), HANGUP.into()])
    }

    pub fn no_phone(&self) -> String {
        doc(&[self.say(V::NoPhone), HANGUP.into()])
    }

    pub fn callback_booked(&self, when: &str) -> String {
        let text = format!(
            "{} {when}. {}",
            vt(self.locale, V::CallbackBooked),
            vt(self.locale, V::Goodbye)
        );
        doc(&[say(self.locale, &text), HANGUP.into()])
    }

    pub fn no_callback(&self, support_phone: &str) -> String {
        let text = format!(
            "{} {support_phone}. {}",
            vt(self.locale, V::NoCallback),
            vt(self.locale, V::Goodbye)
        );
        doc(&[say(self.locale, &text), HANGUP.into()])
    }

    /// Put through to the support number (the call shows the tenant's own number).
    pub fn connect(&self, support_phone: &str, caller_id: &str) -> String {
        doc(&[
            self.say(V::Connecting),
            format!(
                "<Dial callerId=\"{}\">{}</Dial>",
                escape(caller_id),
                escape(support_phone)
            ),
        ])
    }

    /// Support is closed: its hours, then the menu again.
    pub fn closed(&self, hours: &str, menu_again_url: &str) -> String {
        let text = format!("{} {hours}.", vt(self.locale, V::Closed));
        doc(&[
            say(self.locale, &text),
            format!("<Redirect method=\"POST\">{}</Redirect>", escape(menu_again_url)),
        ])
    }
}

/// The digits of a postcode a caller can type (`1234 AB` → `1234`, `10115` → `10115`); none
/// for a postcode with too few to tell people apart.
pub fn postcode_digits(postcode: &str) -> Option<String> {
    let d: String = postcode.chars().filter(char::is_ascii_digit).collect();
    (4..=6).contains(&d.len()).then_some(d)
}

/// Whether the typed digits are the expected ones, in time that does not depend on where they
/// differ.
pub fn digits_match(expected: &str, typed: &str) -> bool {
    let (a, b) = (expected.as_bytes(), typed.trim().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The signature in a call's addresses (`/voice/{id}/{sig}`): only the provider, given the
/// address when the call was placed, can reach a call's script.
pub fn call_sig(key: &[u8], outbox_id: i64) -> String {
    hmac_b64(key, &[b"voice-call", outbox_id.to_string().as_bytes()])
}

/// The signature of a call whose answerer proved who they are: the menu needs it.
pub fn identified_sig(key: &[u8], outbox_id: i64) -> String {
    hmac_b64(key, &[b"voice-identified", outbox_id.to_string().as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::Event;
    use quick_xml::Reader;

    /// The verbs of a TwiML document, in order, with their text; fails on malformed XML.
    fn verbs(xml: &str) -> Vec<(String, String)> {
        let mut r = Reader::from_str(xml);
        let mut out: Vec<(String, String)> = Vec::new();
        loop {
            match r.read_event().expect("well-formed TwiML") {
                Event::Start(e) | Event::Empty(e) => {
                    out.push((String::from_utf8_lossy(e.name().as_ref()).into_owned(), String::new()))
                }
                Event::Text(t) => {
                    if let Some(last) = out.last_mut() {
                        last.1.push_str(&t.decode().unwrap());
                    }
                }
                Event::GeneralRef(r) => {
                    let entity = format!("&{};", r.decode().unwrap());
                    if let Some(last) = out.last_mut() {
                        last.1.push_str(&quick_xml::escape::unescape(&entity).unwrap());
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_start_asks_for_the_postcode_and_says_nothing_about_the_debt() {
        let s = Script {
            locale: Locale::Nl,
            tenant: "Zorg & Co <Demo>",
        };
        let xml = s.start(Some(4), "https://x.test/voice/1/abc/identify?try=1&x=2");
        let v = verbs(&xml);
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Response", "Gather", "Say", "Say", "Say", "Hangup"], "{xml}");
        assert!(
            xml.contains("numDigits=\"4\"")
                && xml.contains("action=\"https://x.test/voice/1/abc/identify?try=1&amp;x=2\"")
        );
        assert!(v[2].1.contains("Zorg & Co <Demo>"), "escaped, read back as written");
        assert!(v[3].1.contains("postcode"));
        assert!(!xml.contains("factuur"));
        let none = verbs(&s.start(None, "u"));
        assert_eq!(
            none.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["Response", "Say", "Say", "Hangup"]
        );
    }

    #[test]
    fn after_the_check_the_facts_and_the_menu_in_the_debtors_language() {
        let s = Script {
            locale: Locale::De,
            tenant: "Energie",
        };
        let xml = s.facts("2026-0002", "12,50 €", "1. Dezember 2026", "https://x.test/m");
        let v = verbs(&xml);
        assert!(
            v[1].1.contains("Rechnung 2026-0002") && v[1].1.contains("12,50 €"),
            "{xml}"
        );
        assert!(xml.contains("language=\"de-DE\"") && xml.contains("numDigits=\"1\""));
        assert!(v[3].1.contains("Drücken Sie die 1"));
        let dial = verbs(&s.connect("+31 20 123 45 67", "+3197010000000"));
        assert_eq!(dial[2], ("Dial".into(), "+31 20 123 45 67".into()));
        assert!(verbs(&s.wrong(4, None)).iter().any(|(n, _)| n == "Hangup"));
        assert!(verbs(&s.closed("ma-vr 9-17", "https://x.test/f"))
            .iter()
            .any(|(n, t)| n == "Redirect" && t == "https://x.test/f"));
    }

    #[test]
    fn postcodes_give_their_digits_and_a_check_compares_them_all() {
        assert_eq!(postcode_digits("1234 AB").as_deref(), Some("1234"));
        assert_eq!(postcode_digits("10115").as_deref(), Some("10115"));
        assert_eq!(postcode_digits("AB1"), None);
        assert!(digits_match("1234", "1234"));
        assert!(!digits_match("1234", "1235") && !digits_match("1234", "123") && !digits_match("1234", ""));
        assert_ne!(call_sig(b"k", 1), call_sig(b"k", 2));
        assert_ne!(call_sig(b"k", 1), identified_sig(b"k", 1));
    }
}
