//! The default wording of dunning messages per step kind, channel and language. Reminders name
//! the invoice number and amount only: no treatment or contract details (GDPR Art. 9).
use super::steps::{Channel, StepKind};
use crate::locale::Locale;

/// What a message says, already formatted for its language. These are also the variables a
/// tenant's template may use (see `VARIABLES`).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Facts<'a> {
    pub tenant: &'a str,
    pub name: &'a str,
    pub invoice: &'a str,
    pub amount: &'a str,
    pub due: &'a str,
    pub link: &'a str,
    /// A fee this message charges.
    pub fee: Option<&'a str>,
    /// Statutory interest this message charges (already part of `amount`).
    pub interest: Option<&'a str>,
    /// Collection costs the 14-day letter announces, and the last day of its term.
    pub costs: Option<&'a str>,
    pub term_ends: Option<&'a str>,
    /// The earliest day of a threatened disconnection.
    pub disconnect_on: Option<&'a str>,
    pub support_phone: &'a str,
    /// A short code to type at `link` (letters, where `link` is the tenant's `/code` page).
    pub login_code: Option<&'a str>,
    /// The step is before the due date: a friendly heads-up, not a reminder.
    pub pre_due: bool,
}

/// The variables a template may use, with what they hold (documented on the template page).
pub const VARIABLES: [(&str, &str); 14] = [
    ("name", "the debtor's name"),
    ("invoice", "the invoice number"),
    ("amount", "the amount to pay, formatted for the language"),
    ("due", "the due date, formatted"),
    (
        "link",
        "the personal payment link (on a letter: the address to type the code at)",
    ),
    ("login_code", "a letter's code to type at the link, else empty"),
    ("fee", "the fee this message charges, else empty"),
    ("interest", "statutory interest charged (part of amount), else empty"),
    ("costs", "collection costs the 14-day letter announces, else empty"),
    ("term_ends", "the last day of the 14-day term, else empty"),
    (
        "disconnect_on",
        "the earliest day of a threatened disconnection, else empty",
    ),
    ("support_phone", "the tenant's support number"),
    ("tenant", "the creditor's name"),
    ("pre_due", "true before the due date (a friendly heads-up)"),
];

/// Facts with sample values, for previews and template checks.
pub fn sample_facts(l: Locale, channel: Channel) -> Facts<'static> {
    let (amount, due, term, fee) = match l {
        Locale::Nl => ("€ 132,45", "15 oktober 2026", "9 december 2026", "€ 7,50"),
        Locale::De => ("132,45 €", "15. Oktober 2026", "9. Dezember 2026", "7,50 €"),
        Locale::En => ("€132.45", "15 October 2026", "9 December 2026", "€7.50"),
    };
    Facts {
        tenant: "Voorbeeld Zorg",
        name: "J. de Vries",
        invoice: "2026-0002",
        amount,
        due,
        link: "https://portal.example/pay/voorbeeld",
        fee: Some(fee),
        interest: None,
        costs: Some("€ 40,00"),
        term_ends: Some(term),
        disconnect_on: Some(term),
        support_phone: "020 123 4567",
        login_code: (channel == Channel::Letter).then_some("K7M2Q-9XD3F"),
        pre_due: false,
    }
}

/// The shipped wording of a step on a channel as a template (subject and body), written from
/// the same sentences `message` uses: what a tenant starts editing from.
pub fn default_source(l: Locale, kind: StepKind, channel: Channel) -> Text {
    let var = |name: &str| format!("{{{{ {name} }}}}");
    let (name, invoice, amount, due, link, phone, tenant) = (
        var("name"),
        var("invoice"),
        var("amount"),
        var("due"),
        var("link"),
        var("support_phone"),
        var("tenant"),
    );
    let (fee, interest, costs, term, disconnect, code) = (
        var("fee"),
        var("interest"),
        var("costs"),
        var("term_ends"),
        var("disconnect_on"),
        var("login_code"),
    );
    let facts = |pre_due: bool| Facts {
        tenant: &tenant,
        name: &name,
        invoice: &invoice,
        amount: &amount,
        due: &due,
        link: &link,
        fee: Some(&fee),
        interest: Some(&interest),
        costs: Some(&costs),
        term_ends: Some(&term),
        disconnect_on: Some(&disconnect),
        support_phone: &phone,
        login_code: Some(&code),
        pre_due,
    };
    let (late, early) = (facts(false), facts(true));
    // Only a reminder reads differently before the due date.
    let branch = |a: String, b: String| {
        if a == b {
            a
        } else {
            format!("{{% if pre_due %}}{b}{{% else %}}{a}{{% endif %}}")
        }
    };
    if channel == Channel::Sms {
        return Text {
            subject: String::new(),
            body: branch(sms_text(l, kind, &late), sms_text(l, kind, &early)),
        };
    }
    let ((subject, lead_late), (subject_early, lead_early)) = (lead(l, kind, &late), lead(l, kind, &early));
    let pay = match channel {
        Channel::Letter => format!(
            "{{% if login_code %}}{}{{% else %}}{}{{% endif %}}",
            code_line(l, &link, &code),
            pay_line(l, &link)
        ),
        _ => pay_line(l, &link),
    };
    let body = [
        greeting(l, &name),
        branch(lead_late, lead_early),
        format!(
            "{{% if fee %}}{}\n\n{{% endif %}}{{% if interest %}}{}\n\n{{% endif %}}{pay}",
            fee_line(l, &fee),
            interest_line(l, &interest)
        ),
        help_line(l, &phone, channel == Channel::Letter),
        tenant.clone(),
    ]
    .join("\n\n");
    Text {
        subject: branch(subject, subject_early),
        body,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// The headline and lead paragraph of a step.
fn lead(l: Locale, kind: StepKind, f: &Facts) -> (String, String) {
    let (inv, amount, due) = (f.invoice, f.amount, f.due);
    let term = f.term_ends.unwrap_or_default();
    let costs = f.costs.unwrap_or_default();
    match (kind, l) {
        (StepKind::Reminder, Locale::Nl) if f.pre_due => (format!("Factuur {inv} vervalt op {due}"), format!("Een vriendelijke herinnering: factuur {inv} van {amount} vervalt op {due}. Heeft u al betaald? Dan hoeft u niets te doen.")),
        (StepKind::Reminder, Locale::De) if f.pre_due => (format!("Rechnung {inv} ist am {due} fällig"), format!("Eine freundliche Erinnerung: Die Rechnung {inv} über {amount} ist am {due} fällig. Haben Sie schon bezahlt? Dann ist nichts zu tun.")),
        (StepKind::Reminder, Locale::En) if f.pre_due => (format!("Invoice {inv} is due on {due}"), format!("A friendly reminder: invoice {inv} for {amount} is due on {due}. Already paid? Then there is nothing to do.")),
        (StepKind::Reminder, Locale::Nl) => (format!("Herinnering: factuur {inv}"), format!("Wij hebben uw betaling van {amount} voor factuur {inv} (vervaldatum {due}) nog niet ontvangen. Wilt u het bedrag zo snel mogelijk betalen?")),
        (StepKind::Reminder, Locale::De) => (format!("Mahnung: Rechnung {inv}"), format!("Für die Rechnung {inv} über {amount} (fällig am {due}) konnten wir noch keinen Zahlungseingang feststellen. Mit dieser Mahnung geraten Sie in Zahlungsverzug (§ 286 BGB). Bitte zahlen Sie den Betrag umgehend.")),
        (StepKind::Reminder, Locale::En) => (format!("Reminder: invoice {inv}"), format!("We have not yet received your payment of {amount} for invoice {inv} (due on {due}). Please pay the amount as soon as possible.")),
        (StepKind::FourteenDayLetter, Locale::Nl) => (format!("Laatste herinnering zonder kosten: factuur {inv}"), format!("Factuur {inv} van {amount} (vervaldatum {due}) is nog niet betaald. Betaal het bedrag binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd, dus uiterlijk op {term}. Betaalt u niet op tijd, dan bent u de wettelijke incassokosten van {costs} verschuldigd (art. 6:96 BW).")),
        (StepKind::FourteenDayLetter, Locale::De) => (format!("Letzte Zahlungsaufforderung ohne Kosten: Rechnung {inv}"), format!("Die Rechnung {inv} über {amount} (fällig am {due}) ist noch offen. Bitte zahlen Sie innerhalb von vierzehn Tagen ab dem Tag nach Zugang dieses Schreibens, also spätestens am {term}. Danach werden Inkassokosten von {costs} fällig.")),
        (StepKind::FourteenDayLetter, Locale::En) => (format!("Last reminder free of charge: invoice {inv}"), format!("Invoice {inv} for {amount} (due on {due}) is still unpaid. Please pay within fourteen days from the day after this letter is delivered to you, that is by {term} at the latest. If you do not pay in time, statutory collection costs of {costs} become due.")),
        (StepKind::FinalNotice, Locale::Nl) => (format!("Aanmaning: factuur {inv}"), format!("Ondanks onze herinneringen staat er voor factuur {inv} nog {amount} open. Betaal dit bedrag direct, anders dragen wij de vordering over.")),
        (StepKind::FinalNotice, Locale::De) => (format!("Letzte Mahnung: Rechnung {inv}"), format!("Trotz unserer Mahnungen ist die Rechnung {inv} mit {amount} weiterhin offen. Bitte zahlen Sie sofort; andernfalls geben wir die Forderung ab.")),
        (StepKind::FinalNotice, Locale::En) => (format!("Final notice: invoice {inv}"), format!("Despite our reminders, {amount} is still open on invoice {inv}. Please pay now; otherwise we will hand the claim over.")),
        (StepKind::HandOver, Locale::Nl) => (format!("Uw dossier is overgedragen: factuur {inv}"), format!("Omdat factuur {inv} ({amount}) onbetaald bleef, hebben wij de vordering overgedragen. U hoort van ons of van de partij die de vordering behandelt.")),
        (StepKind::HandOver, Locale::De) => (format!("Ihre Forderung wurde abgegeben: Rechnung {inv}"), format!("Da die Rechnung {inv} ({amount}) unbezahlt blieb, haben wir die Forderung abgegeben. Sie hören von uns oder von der bearbeitenden Stelle.")),
        (StepKind::HandOver, Locale::En) => (format!("Your claim has been handed over: invoice {inv}"), format!("As invoice {inv} ({amount}) remained unpaid, we have handed the claim over. You will hear from us or from the party handling it.")),
        (StepKind::ZvwLetter, Locale::Nl) => (format!("Betalingsachterstand zorgpremie: {amount}"), format!("U heeft een achterstand in de betaling van uw zorgpremie van {amount}. Wij bieden u een betalingsregeling aan: u kunt die via de link hieronder aanvragen. Blijft de achterstand oplopen tot zes maanden premie, dan zijn wij wettelijk verplicht u aan te melden bij het CAK; u betaalt dan een hogere bestuursrechtelijke premie.")),
        (StepKind::ZvwLetter, Locale::De) => (format!("Beitragsrückstand Krankenversicherung: {amount}"), format!("Sie sind mit {amount} Prämie im Rückstand. Wir bieten Ihnen eine Ratenzahlung an; beantragen Sie sie über den Link unten. Erreicht der Rückstand sechs Monatsprämien, müssen wir Sie beim CAK melden.")),
        (StepKind::ZvwLetter, Locale::En) => (format!("Health insurance premium arrears: {amount}"), format!("You are behind with your health insurance premium by {amount}. We offer you a payment arrangement: request it with the link below. If the arrears reach six months of premium, the law requires us to report you to the CAK, and you will pay a higher administrative premium.")),
        (StepKind::CakReport, Locale::Nl) => (format!("Aanmelding bij het CAK: {amount}"), format!("Uw premieachterstand van {amount} is opgelopen tot zes maanden. Wij melden u daarom aan bij het CAK. Betaalt u alsnog, dan melden wij u weer af.")),
        (StepKind::CakReport, Locale::De) => (format!("Meldung beim CAK: {amount}"), format!("Ihr Beitragsrückstand von {amount} hat sechs Monate erreicht. Wir melden Sie daher beim CAK. Zahlen Sie doch noch, melden wir Sie wieder ab.")),
        (StepKind::CakReport, Locale::En) => (format!("Report to the CAK: {amount}"), format!("Your premium arrears of {amount} have reached six months. We are therefore reporting you to the CAK. If you pay after all, we withdraw the report.")),
        (StepKind::EarlySignal, Locale::Nl) => (format!("Hulp bij uw betalingsachterstand: factuur {inv}"), format!("Factuur {inv} ({amount}) is nog niet betaald. Wij geven uw achterstand door aan uw gemeente, zodat die u hulp kan aanbieden. Neem gerust contact met ons op voor een regeling.")),
        (StepKind::EarlySignal, Locale::De) => (format!("Hilfe bei Ihrem Zahlungsrückstand: Rechnung {inv}"), format!("Die Rechnung {inv} ({amount}) ist noch offen. Wir melden den Rückstand Ihrer Gemeinde, damit sie Ihnen Hilfe anbieten kann. Sprechen Sie uns gern auf eine Ratenzahlung an.")),
        (StepKind::EarlySignal, Locale::En) => (format!("Help with your arrears: invoice {inv}"), format!("Invoice {inv} ({amount}) is still unpaid. We are reporting the arrears to your municipality so that it can offer you help. Feel free to contact us about a payment arrangement.")),
        (StepKind::DisconnectionNotice, Locale::Nl) => (format!("Aankondiging afsluiting: {amount} achterstand"), format!("U heeft een betalingsachterstand van {amount}. Betaalt u niet, dan kunnen wij de levering op zijn vroegst op {} onderbreken.", f.disconnect_on.unwrap_or_default())),
        (StepKind::DisconnectionNotice, Locale::De) => (format!("Androhung der Versorgungsunterbrechung: Rückstand {amount}"), format!("Sie sind mit {amount} im Rückstand. Zahlen Sie nicht, können wir die Grundversorgung frühestens am {} unterbrechen (§ 19 StromGVV). Sie können eine Abwendungsvereinbarung (Ratenzahlung) beantragen.", f.disconnect_on.unwrap_or_default())),
        (StepKind::DisconnectionNotice, Locale::En) => (format!("Notice of disconnection: arrears of {amount}"), format!("You are in arrears by {amount}. If you do not pay, we may interrupt the supply on {} at the earliest. You can request a payment arrangement to avoid it.", f.disconnect_on.unwrap_or_default())),
    }
}

fn fee_line(l: Locale, fee: &str) -> String {
    match l {
        Locale::Nl => format!("Voor deze herinnering brengen wij {fee} kosten in rekening."),
        Locale::De => format!("Für diese Mahnung berechnen wir Mahnkosten von {fee}."),
        Locale::En => format!("We charge a fee of {fee} for this reminder."),
    }
}

fn interest_line(l: Locale, interest: &str) -> String {
    match l {
        Locale::Nl => format!("Omdat de betaling te laat is, is daarover de wettelijke rente verschuldigd: tot vandaag {interest}. Dit is in het bedrag inbegrepen."),
        Locale::De => format!("Wegen des Zahlungsverzugs schulden Sie Verzugszinsen nach § 288 BGB: bis heute {interest}. Sie sind im Betrag enthalten."),
        Locale::En => format!("Because the payment is late, statutory interest is due on it: {interest} up to today. It is included in the amount."),
    }
}

fn greeting(l: Locale, name: &str) -> String {
    match l {
        Locale::Nl => format!("Beste {name},"),
        Locale::De => format!("Guten Tag {name},"),
        Locale::En => format!("Dear {name},"),
    }
}

fn pay_line(l: Locale, link: &str) -> String {
    match l {
        Locale::Nl => format!("Betaal direct en veilig via uw persoonlijke link:\n{link}"),
        Locale::De => format!("Bezahlen Sie direkt und sicher über Ihren persönlichen Link:\n{link}"),
        Locale::En => format!("Pay now, safely, with your personal link:\n{link}"),
    }
}

/// On paper there is no link to follow: the letter points at the website instead.
fn help_line(l: Locale, phone: &str, paper: bool) -> String {
    match (l, paper) {
        (Locale::Nl, false) => format!("Kunt u niet (in één keer) betalen, of klopt er iets niet? Via de link kunt u een regeling aanvragen of bezwaar maken. Bellen kan ook: {phone}."),
        (Locale::Nl, true) => format!("Kunt u niet (in één keer) betalen, of klopt er iets niet? Op onze website kunt u een regeling aanvragen of bezwaar maken. Bellen kan ook: {phone}."),
        (Locale::De, false) => format!("Können Sie nicht (auf einmal) zahlen oder stimmt etwas nicht? Über den Link beantragen Sie eine Ratenzahlung oder widersprechen. Sie erreichen uns auch telefonisch: {phone}."),
        (Locale::De, true) => format!("Können Sie nicht (auf einmal) zahlen oder stimmt etwas nicht? Auf unserer Website beantragen Sie eine Ratenzahlung oder widersprechen. Sie erreichen uns auch telefonisch: {phone}."),
        (Locale::En, false) => format!("Cannot pay (in one go), or is something wrong? The link lets you ask for a payment plan or raise a dispute. You can also call us: {phone}."),
        (Locale::En, true) => format!("Cannot pay (in one go), or is something wrong? Our website lets you ask for a payment plan or raise a dispute. You can also call us: {phone}."),
    }
}

/// The label of the payment button in an HTML email.
pub fn pay_button(l: Locale) -> &'static str {
    match l {
        Locale::Nl => "Nu betalen",
        Locale::De => "Jetzt bezahlen",
        Locale::En => "Pay now",
    }
}

/// On paper a link cannot be clicked: the letter names a short address and a code to type.
fn code_line(l: Locale, url: &str, code: &str) -> String {
    match l {
        Locale::Nl => format!("Betaal direct en veilig: ga naar {url} en typ uw persoonlijke code {code}."),
        Locale::De => format!(
            "Bezahlen Sie direkt und sicher: Gehen Sie auf {url} und geben Sie Ihren persönlichen Code {code} ein."
        ),
        Locale::En => format!("Pay now, safely: go to {url} and type your personal code {code}."),
    }
}

fn sms_text(l: Locale, kind: StepKind, f: &Facts) -> String {
    let (t, inv, amount, link) = (f.tenant, f.invoice, f.amount, f.link);
    match (l, f.pre_due, kind) {
        (Locale::Nl, true, _) => format!("{t}: factuur {inv} ({amount}) vervalt op {}. Betalen: {link}", f.due),
        (Locale::De, true, _) => format!(
            "{t}: Rechnung {inv} ({amount}) ist am {} fällig. Bezahlen: {link}",
            f.due
        ),
        (Locale::En, true, _) => format!("{t}: invoice {inv} ({amount}) is due on {}. Pay: {link}", f.due),
        (Locale::Nl, false, StepKind::FourteenDayLetter) => format!(
            "{t}: factuur {inv} ({amount}) is nog open. Betaal uiterlijk {} om incassokosten te voorkomen: {link}",
            f.term_ends.unwrap_or_default()
        ),
        (Locale::De, false, StepKind::FourteenDayLetter) => format!(
            "{t}: Rechnung {inv} ({amount}) ist offen. Zahlen Sie bis {}, um Inkassokosten zu vermeiden: {link}",
            f.term_ends.unwrap_or_default()
        ),
        (Locale::En, false, StepKind::FourteenDayLetter) => format!(
            "{t}: invoice {inv} ({amount}) is unpaid. Pay by {} to avoid collection costs: {link}",
            f.term_ends.unwrap_or_default()
        ),
        (Locale::Nl, false, _) => format!(
            "{t}: factuur {inv} ({amount}) is nog niet betaald. Betaal direct of vraag een regeling aan: {link}"
        ),
        (Locale::De, false, _) => format!(
            "{t}: Rechnung {inv} ({amount}) ist noch offen. Jetzt bezahlen oder Ratenzahlung beantragen: {link}"
        ),
        (Locale::En, false, _) => {
            format!("{t}: invoice {inv} ({amount}) is unpaid. Pay now or ask for a payment plan: {link}")
        }
    }
}

/// The message for a step on a channel. SMS has no subject and stays short; email and letter
/// carry the full text (the letter adds the typed-login code).
pub fn message(l: Locale, kind: StepKind, channel: Channel, f: &Facts) -> Text {
    let (subject, lead) = lead(l, kind, f);
    if channel == Channel::Sms {
        return Text {
            subject: String::new(),
            body: sms_text(l, kind, f),
        };
    }
    let mut parts = vec![greeting(l, f.name), lead];
    if let Some(fee) = f.fee {
        parts.push(fee_line(l, fee));
    }
    if let Some(interest) = f.interest {
        parts.push(interest_line(l, interest));
    }
    match (channel, f.login_code) {
        (Channel::Letter, Some(code)) => parts.push(code_line(l, f.link, code)),
        _ => parts.push(pay_line(l, f.link)),
    }
    parts.push(help_line(l, f.support_phone, channel == Channel::Letter));
    parts.push(f.tenant.to_string());
    Text {
        subject,
        body: parts.join("\n\n"),
    }
}

/// The SMS that tells a debtor their email address bounced, with a link to check it.
pub fn email_bounced_sms(l: Locale, tenant: &str, link: &str) -> String {
    match l {
        Locale::Nl => format!("{tenant}: onze e-mail aan u kwam niet aan. Controleer uw e-mailadres en bekijk uw factuur: {link}"),
        Locale::De => format!("{tenant}: Unsere E-Mail an Sie kam nicht an. Bitte prüfen Sie Ihre E-Mail-Adresse und sehen Sie Ihre Rechnung: {link}"),
        Locale::En => format!("{tenant}: our email to you could not be delivered. Please check your email address and see your invoice: {link}"),
    }
}

/// The fixed words of a printed letter.
pub struct LetterLabels {
    pub invoice: &'static str,
    pub amount: &'static str,
    pub iban: &'static str,
    pub beneficiary: &'static str,
    pub reference: &'static str,
    pub scan: &'static str,
    /// The payment box line with the code to type online.
    pub code: &'static str,
}

pub fn letter_labels(l: Locale) -> LetterLabels {
    match l {
        Locale::Nl => LetterLabels {
            invoice: "Factuur",
            amount: "Bedrag",
            iban: "IBAN",
            beneficiary: "Begunstigde",
            reference: "Betalingskenmerk",
            scan: "Scan met uw bank-app",
            code: "Online betalen, code",
        },
        Locale::De => LetterLabels {
            invoice: "Rechnung",
            amount: "Betrag",
            iban: "IBAN",
            beneficiary: "Empfänger",
            reference: "Verwendungszweck",
            scan: "Mit der Banking-App scannen",
            code: "Online bezahlen, Code",
        },
        Locale::En => LetterLabels {
            invoice: "Invoice",
            amount: "Amount",
            iban: "IBAN",
            beneficiary: "Beneficiary",
            reference: "Payment reference",
            scan: "Scan with your banking app",
            code: "Pay online, code",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts<'static> {
        Facts {
            tenant: "Zorgverzekeraar Demo",
            name: "J. Jansen",
            invoice: "2026-0042",
            amount: "€ 1.234,56",
            due: "1 november 2026",
            link: "https://demo.example/pay/abc",
            costs: Some("€ 185,18"),
            term_ends: Some("15 december 2026"),
            support_phone: "088 123 4567",
            ..Facts::default()
        }
    }

    #[test]
    fn the_fourteen_day_letter_states_costs_and_the_last_day() {
        let t = message(Locale::Nl, StepKind::FourteenDayLetter, Channel::Letter, &facts());
        assert!(t
            .body
            .contains("veertien dagen vanaf de dag nadat deze brief bij u is bezorgd"));
        assert!(
            t.body.contains("€ 185,18") && t.body.contains("15 december 2026"),
            "{}",
            t.body
        );
    }

    #[test]
    fn every_kind_has_text_in_every_language_and_channel() {
        for l in Locale::ALL {
            for kind in StepKind::ALL {
                for channel in Channel::WRITTEN {
                    let t = message(l, kind, channel, &facts());
                    assert!(
                        t.body.contains("https://demo.example/pay/abc"),
                        "{l:?} {kind:?} {channel:?}"
                    );
                    assert_eq!(t.subject.is_empty(), channel == Channel::Sms);
                }
            }
        }
    }

    #[test]
    fn a_fee_is_stated_and_german_reminders_put_the_debtor_in_default() {
        let f = Facts {
            fee: Some("1,50 €"),
            ..facts()
        };
        let t = message(Locale::De, StepKind::Reminder, Channel::Email, &f);
        assert!(t.body.contains("Mahnkosten von 1,50 €") && t.body.contains("Zahlungsverzug"));
        let pre = Facts {
            pre_due: true,
            ..facts()
        };
        assert!(!message(Locale::De, StepKind::Reminder, Channel::Email, &pre)
            .body
            .contains("Verzug"));
    }

    #[test]
    fn a_letter_names_the_short_address_and_the_code_instead_of_a_long_link() {
        let f = Facts {
            link: "https://demo.example/code",
            login_code: Some("K7M2Q-9XD3F"),
            ..facts()
        };
        for l in Locale::ALL {
            let t = message(l, StepKind::Reminder, Channel::Letter, &f);
            assert!(
                t.body.contains("https://demo.example/code") && t.body.contains("K7M2Q-9XD3F"),
                "{l:?}"
            );
            let mail = message(l, StepKind::Reminder, Channel::Email, &f);
            assert!(!mail.body.contains("K7M2Q-9XD3F"), "only the letter carries the code");
            assert!(!t.body.contains("link"), "{l:?}: no link on paper: {}", t.body);
        }
    }
}
