//! A dunning letter as an A4 PDF: the tenant's name and colour, the debtor's address in the
//! envelope window, the message, and a payment box with the EPC QR code and RF reference.
use super::compose::Compose;
use crate::channels::letter::{self, LetterContent, LetterLogo, PaymentBox};
use crate::error::{ServiceError, ServiceResult};
use crate::services::invoices::epc_for;
use crate::tenant::TenantCtx;
use chrono::NaiveDate;
use settle_domain::dunning::steps::Channel;
use settle_domain::dunning::texts::{letter_labels, Text};
use settle_domain::locale::format_date;
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_domain::rf::RfReference;

/// Renders on a blocking thread (house rule: no PDF work on the async executor).
pub async fn render(c: &Compose<'_>, text: &Text, login_code: Option<&str>) -> ServiceResult<Vec<u8>> {
    let (inv, cust) = (c.inv, c.cust);
    let recipient = [
        cust.name.clone(),
        cust.street.clone(),
        format!("{} {}", cust.postcode, cust.city),
        cust.country.clone(),
    ];
    let letter = Letter {
        number: &inv.number,
        rf_reference: &inv.rf_reference,
        open_cents: c.open_cents,
        recipient: &recipient,
        locale: c.locale,
        today: c.today,
        login_code,
    };
    render_letter(c.tenant, &letter, text).await
}

/// The letter of a template being edited, with the sample debtor of the preview: the tenant's
/// letterhead, logo and payment box as a real letter has them.
pub async fn sample(tenant: &TenantCtx, locale: Locale, text: &Text, today: NaiveDate) -> ServiceResult<Vec<u8>> {
    let facts = settle_domain::dunning::texts::sample_facts(locale, Channel::Letter);
    let recipient = [
        facts.name.to_string(),
        "Voorbeeldstraat 1".to_string(),
        "1234 AB Voorbeeld".to_string(),
        String::new(),
    ];
    let rf = RfReference::create(facts.invoice.replace('-', "").as_str())
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("sample reference: {e}")))?;
    let letter = Letter {
        number: facts.invoice,
        rf_reference: rf.as_str(),
        open_cents: 13_245,
        recipient: &recipient,
        locale,
        today,
        login_code: facts.login_code,
    };
    render_letter(tenant, &letter, text).await
}

struct Letter<'a> {
    number: &'a str,
    rf_reference: &'a str,
    open_cents: i64,
    recipient: &'a [String; 4],
    locale: Locale,
    today: NaiveDate,
    login_code: Option<&'a str>,
}

async fn render_letter(tenant: &TenantCtx, l: &Letter<'_>, text: &Text) -> ServiceResult<Vec<u8>> {
    let (locale, today) = (l.locale, l.today);
    let labels = letter_labels(locale);
    let amount = Money::eur(l.open_cents);
    let epc = epc_for(tenant, l.rf_reference, amount)?;
    let t = &tenant.row;
    let mut lines = vec![
        (labels.amount.to_string(), amount.format(locale)),
        (labels.iban.to_string(), epc.iban),
        (labels.beneficiary.to_string(), t.creditor_legal_name.clone()),
        (labels.reference.to_string(), epc.reference),
    ];
    if let Some(code) = l.login_code {
        lines.push((labels.code.to_string(), format!("{code} ({})", tenant.link("/code"))));
    }
    let recipient: Vec<String> = l
        .recipient
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let owned = Owned {
        sender: t.display_name.clone(),
        brand: letter::parse_hex_color(&t.brand_primary).unwrap_or((0x1f, 0x4e, 0x79)),
        sender_address: t.creditor_address.clone(),
        recipient,
        date: format_date(today, locale),
        subject: text.subject.clone(),
        body: text.body.clone(),
        footer: t.legal_footer.clone(),
        reference_line: format!("{}: {}", labels.invoice, l.number),
        payload: epc.payload,
        lines,
        caption: labels.scan.to_string(),
        logo: (t.brand_logo_svg.clone(), t.brand_logo_png.clone()),
    };
    tokio::task::spawn_blocking(move || owned.render())
        .await
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("letter task: {e}")))?
        .map_err(ServiceError::Internal)
}

struct Owned {
    sender: String,
    brand: (u8, u8, u8),
    sender_address: String,
    recipient: Vec<String>,
    date: String,
    subject: String,
    body: String,
    footer: String,
    reference_line: String,
    payload: String,
    lines: Vec<(String, String)>,
    caption: String,
    /// The SVG (printed as vectors) or, uploaded as PNG, the PNG.
    logo: (String, Option<Vec<u8>>),
}

impl Owned {
    fn render(&self) -> anyhow::Result<Vec<u8>> {
        letter::render(&LetterContent {
            sender_name: &self.sender,
            brand_rgb: self.brand,
            sender_address: &self.sender_address,
            recipient: self.recipient.iter().map(String::as_str).collect(),
            place_and_date: &self.date,
            subject: &self.subject,
            body: &self.body,
            payment_box: Some(PaymentBox {
                epc_payload: &self.payload,
                lines: self.lines.iter().map(|(l, v)| (l.as_str(), v.as_str())).collect(),
                caption: &self.caption,
            }),
            footer: &self.footer,
            reference_line: &self.reference_line,
            logo: match &self.logo {
                (svg, _) if !svg.trim().is_empty() => Some(LetterLogo::Svg(svg)),
                (_, Some(png)) => Some(LetterLogo::Png(png)),
                _ => None,
            },
        })
    }
}
