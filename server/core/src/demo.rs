//! The demo tenants, debtors and invoices (`settle demo`). Idempotent: what exists is kept.
use crate::entities::{customer, invoice, invoice_line, one_time_token, portal_account, tenant, tenant_host};
use crate::passwords::hash_blocking;
use crate::tokens::hash_token;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use settle_domain::rf::RfReference;

pub const DEMO_PASSWORD: &str = "demo-password-1";
/// A fixed payment link for the demo's overdue invoice, so the README and tests can open it.
pub const DEMO_PAY_TOKEN: &str = "demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7";
/// The code "printed on a letter" for the same invoice, typed at `/code` (as `DEMO1-CODE2` too:
/// O reads as 0).
pub const DEMO_LETTER_CODE: &str = "DEM01C0DE2";

pub struct DemoLogin {
    pub tenant: &'static str,
    pub what: &'static str,
}

struct TenantSeed {
    slug: &'static str,
    name: &'static str,
    base_url: &'static str,
    hosts: &'static [&'static str],
    locale: &'static str,
    tz: &'static str,
    primary: &'static str,
    accent: &'static str,
    logo: &'static str,
    phone: &'static str,
    email: &'static str,
    hours: &'static str,
    footer: &'static str,
    legal_name: &'static str,
    iban: &'static str,
    bic: &'static str,
    address: &'static str,
}

const ZORG_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" role="img" aria-hidden="true"><rect width="48" height="48" rx="10" fill="#0b5cad"/><path d="M20 10h8v10h10v8H28v10h-8V28H10v-8h10z" fill="#fff"/></svg>"##;
const ENERGIE_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" role="img" aria-hidden="true"><circle cx="24" cy="24" r="24" fill="#17693a"/><path d="M27 6 13 27h9l-3 15 16-22h-9z" fill="#ffd54a"/></svg>"##;

const TENANTS: [TenantSeed; 2] = [
    TenantSeed {
        slug: "demo",
        name: "Zorgverzekeraar Demo",
        base_url: "http://localhost:3000",
        hosts: &["localhost", "127.0.0.1"],
        locale: "nl",
        tz: "Europe/Amsterdam",
        primary: "#0b5cad",
        accent: "#b8400e",
        logo: ZORG_LOGO,
        phone: "+31 20 123 45 67",
        email: "klantenservice@zorg-demo.test",
        hours: "ma-vr 08:00-20:00",
        footer: "Zorgverzekeraar Demo N.V. · KvK 12345678 · Postbus 1234, 1000 AB Amsterdam",
        legal_name: "Zorgverzekeraar Demo N.V.",
        iban: "NL91ABNA0417164300",
        bic: "ABNANL2A",
        address: "Postbus 1234, 1000 AB Amsterdam",
    },
    TenantSeed {
        slug: "energie",
        name: "Energie Demo",
        base_url: "http://energie.localhost:3000",
        hosts: &["energie.localhost"],
        locale: "de",
        tz: "Europe/Berlin",
        primary: "#17693a",
        accent: "#8a5a00",
        logo: ENERGIE_LOGO,
        phone: "+49 30 1234 5678",
        email: "kundenservice@energie-demo.test",
        hours: "Mo-Fr 08:00-20:00",
        footer: "Energie Demo GmbH · Amtsgericht Berlin HRB 123456 · Musterstraße 1, 10115 Berlin",
        legal_name: "Energie Demo GmbH",
        iban: "DE89370400440532013000",
        bic: "COBADEFFXXX",
        address: "Musterstraße 1, 10115 Berlin",
    },
];

struct CustomerSeed {
    tenant: &'static str,
    number: &'static str,
    name: &'static str,
    email: &'static str,
    postcode: &'static str,
    street: &'static str,
    city: &'static str,
    country: &'static str,
    language: &'static str,
    active: bool,
}

const CUSTOMERS: [CustomerSeed; 4] = [
    CustomerSeed {
        tenant: "demo",
        number: "100001",
        name: "Jan de Vries",
        email: "demo@settle.test",
        postcode: "1011 AB",
        street: "Damrak 1",
        city: "Amsterdam",
        country: "NL",
        language: "nl",
        active: true,
    },
    CustomerSeed {
        tenant: "demo",
        number: "100002",
        name: "Petra Jansen",
        email: "other@settle.test",
        postcode: "3511 AA",
        street: "Oudegracht 10",
        city: "Utrecht",
        country: "NL",
        language: "nl",
        active: true,
    },
    CustomerSeed {
        tenant: "demo",
        number: "100003",
        name: "Kees Bakker",
        email: "kees@settle.test",
        postcode: "1234 AB",
        street: "Dorpsstraat 3",
        city: "Ergens",
        country: "NL",
        language: "nl",
        active: false,
    },
    CustomerSeed {
        tenant: "energie",
        number: "200001",
        name: "Klaus Müller",
        email: "kunde@settle.test",
        postcode: "10115",
        street: "Invalidenstraße 5",
        city: "Berlin",
        country: "DE",
        language: "de",
        active: true,
    },
];

/// (customer, number, description, due in days from today, amount, open, has pdf)
type InvoiceSeed = (&'static str, &'static str, &'static str, i64, i64, i64, bool);

const INVOICES: [InvoiceSeed; 12] = [
    ("100001", "2026-0001", "Premie basisverzekering", -75, 13_245, 0, true),
    (
        "100001",
        "2026-0002",
        "Premie basisverzekering",
        -45,
        13_245,
        13_245,
        false,
    ),
    (
        "100001",
        "2026-0003",
        "Premie aanvullende verzekering",
        -15,
        4_250,
        4_250,
        false,
    ),
    (
        "100001",
        "2026-0004",
        "Premie basisverzekering",
        5,
        13_245,
        6_000,
        false,
    ),
    (
        "100001",
        "2026-0005",
        "Premie basisverzekering",
        15,
        13_245,
        13_245,
        false,
    ),
    (
        "100001",
        "2026-0006",
        "Premie tandartsverzekering",
        45,
        2_195,
        2_195,
        false,
    ),
    (
        "100002",
        "2026-1001",
        "Premie basisverzekering",
        -20,
        12_995,
        12_995,
        false,
    ),
    (
        "100002",
        "2026-1002",
        "Premie basisverzekering",
        10,
        12_995,
        12_995,
        false,
    ),
    // Kees (not activated yet) owes his deductible; a bank transfer without the reference pays it.
    ("100003", "2026-2001", "Eigen risico 2026", -30, 38_500, 38_500, false),
    ("200001", "R-2026-501", "Abschlag Strom", -40, 8_900, 0, false),
    ("200001", "R-2026-502", "Abschlag Strom", -10, 8_900, 8_900, false),
    (
        "200001",
        "R-2026-503",
        "Abschlag Strom und Gas",
        20,
        14_750,
        14_750,
        false,
    ),
];

pub fn logins() -> Vec<DemoLogin> {
    vec![
        DemoLogin {
            tenant: "demo (http://localhost:3000)",
            what: "debtor demo@settle.test / demo-password-1 (6 invoices)",
        },
        DemoLogin {
            tenant: "demo (http://localhost:3000)",
            what: "debtor other@settle.test / demo-password-1",
        },
        DemoLogin {
            tenant: "demo (http://localhost:3000)",
            what: "activation: customer number 100003, postcode 1234 AB",
        },
        DemoLogin {
            tenant: "demo (http://localhost:3000)",
            what: "payment link /pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7",
        },
        DemoLogin {
            tenant: "demo (http://localhost:3000)",
            what: "letter code DEMO1-CODE2, typed at /code",
        },
        DemoLogin {
            tenant: "energie (http://energie.localhost:3000)",
            what: "debtor kunde@settle.test / demo-password-1",
        },
        DemoLogin {
            tenant: "demo (http://localhost:3000/backoffice/login)",
            what: "agent agent@settle.test / demo-password-1 (no second factor)",
        },
        DemoLogin {
            tenant: "demo (http://localhost:3000/backoffice/login)",
            what: "admin admin@settle.test / demo-password-1, TOTP secret SETTLEDEMOADMINTOTPSECRET2345672",
        },
        DemoLogin {
            tenant: "any demo host (/backoffice/login)",
            what: "operator operator@settle.test / demo-password-1, TOTP secret SETTLEDEMOOPERATORTOTPSECRET2345",
        },
    ]
}

pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), DbErr> {
    let password_hash = hash_blocking(DEMO_PASSWORD).map_err(|e| DbErr::Custom(e.to_string()))?;
    let tx = db.begin().await?;
    for t in &TENANTS {
        seed_tenant(&tx, now, t).await?;
    }
    for c in &CUSTOMERS {
        seed_customer(&tx, now, c, &password_hash).await?;
    }
    for inv in &INVOICES {
        seed_invoice(&tx, now, inv).await?;
    }
    for t in &TENANTS {
        let id = tenant_id(&tx, t.slug).await?;
        crate::services::references::sync_invoices(&tx, id).await?;
        seed_payment_settings(&tx, now, id, t.slug == "demo").await?;
        crate::demo_plans::seed(&tx, now, id, t.slug).await?;
    }
    tx.commit().await
}

/// The demo pays through the built-in sandbox provider; the insurer allows partial payments.
async fn seed_payment_settings<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    allow_partial: bool,
) -> Result<(), DbErr> {
    use crate::entities::payment_setting;
    if payment_setting::Entity::find_by_id(tenant_id).one(db).await?.is_some() {
        return Ok(());
    }
    payment_setting::Entity::insert(payment_setting::ActiveModel {
        tenant_id: Set(tenant_id),
        provider: Set("sandbox".into()),
        credentials: Set(None),
        credentials_key_id: Set(None),
        api_base: Set(None),
        allow_partial: Set(allow_partial),
        min_partial_cents: Set(10_00),
        updated_at: Set(now),
    })
    .exec(db)
    .await
    .map(|_| ())
}

async fn tenant_id<C: ConnectionTrait>(db: &C, slug: &str) -> Result<i64, DbErr> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|t| t.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("tenant {slug}")))
}

async fn seed_tenant<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, t: &TenantSeed) -> Result<(), DbErr> {
    let id = match tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(t.slug))
        .one(db)
        .await?
    {
        Some(row) => row.id,
        None => {
            tenant::ActiveModel {
                slug: Set(t.slug.into()),
                display_name: Set(t.name.into()),
                base_url: Set(t.base_url.into()),
                default_locale: Set(t.locale.into()),
                time_zone: Set(t.tz.into()),
                brand_primary: Set(t.primary.into()),
                brand_accent: Set(t.accent.into()),
                brand_logo_svg: Set(t.logo.into()),
                brand_logo_png: Set(crate::backoffice::logo::png_of_svg(t.logo)),
                support_phone: Set(t.phone.into()),
                support_email: Set(t.email.into()),
                support_hours: Set(t.hours.into()),
                legal_footer: Set(t.footer.into()),
                creditor_legal_name: Set(t.legal_name.into()),
                creditor_iban: Set(t.iban.into()),
                creditor_bic: Set(Some(t.bic.into())),
                creditor_address: Set(t.address.into()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id
        }
    };
    for host in t.hosts {
        if tenant_host::Entity::find_by_id(host.to_string())
            .one(db)
            .await?
            .is_none()
        {
            tenant_host::ActiveModel {
                hostname: Set(host.to_string()),
                tenant_id: Set(id),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

async fn seed_customer<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    c: &CustomerSeed,
    hash: &str,
) -> Result<(), DbErr> {
    let tid = tenant_id(db, c.tenant).await?;
    let existing = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tid))
        .filter(customer::Column::CustomerNumber.eq(c.number))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    let cust = customer::ActiveModel {
        tenant_id: Set(tid),
        customer_number: Set(c.number.into()),
        name: Set(c.name.into()),
        email: Set(Some(c.email.into())),
        phone_e164: Set(None),
        street: Set(c.street.into()),
        postcode: Set(c.postcode.into()),
        city: Set(c.city.into()),
        country: Set(c.country.into()),
        language: Set(Some(c.language.into())),
        pref_email: Set(true),
        pref_sms: Set(false),
        pref_letter: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if c.active {
        portal_account::ActiveModel {
            tenant_id: Set(tid),
            customer_id: Set(cust.id),
            email: Set(c.email.into()),
            password_hash: Set(Some(hash.into())),
            activated_at: Set(Some(now)),
            disabled: Set(false),
            last_login_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn seed_invoice<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, inv: &InvoiceSeed) -> Result<(), DbErr> {
    let (cust_no, number, description, due_in, amount, open, with_pdf) = *inv;
    let seed = CUSTOMERS
        .iter()
        .find(|c| c.number == cust_no)
        .ok_or_else(|| DbErr::Custom(format!("demo customer {cust_no}")))?;
    let tid = tenant_id(db, seed.tenant).await?;
    let cust = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tid))
        .filter(customer::Column::CustomerNumber.eq(cust_no))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("customer {cust_no}")))?;
    if invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tid))
        .filter(invoice::Column::Number.eq(number))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let today = now.date_naive();
    let due: NaiveDate = today + Duration::days(due_in);
    let issue = due - Duration::days(30);
    let base: String = number.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let rf = RfReference::create(&format!("{}{}", tid, base)).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = invoice::ActiveModel {
        tenant_id: Set(tid),
        customer_id: Set(cust.id),
        number: Set(number.into()),
        issue_date: Set(issue),
        due_date: Set(due),
        amount_cents: Set(amount),
        open_cents: Set(open),
        currency: Set("EUR".into()),
        status: Set(if open == 0 { "paid" } else { "open" }.into()),
        description: Set(format!("{description} {}", month_label(due, seed.language))),
        rf_reference: Set(rf.as_str().to_string()),
        pdf: Set(with_pdf.then(|| demo_pdf(number))),
        pdf_filename: Set(with_pdf.then(|| format!("{number}.pdf"))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let parts: [(&str, i64); 2] = if seed.language == "de" {
        [("Grundpreis", amount / 5), ("Arbeitspreis", amount - amount / 5)]
    } else {
        [("Premie", amount - 500), ("Administratiekosten", 500)]
    };
    for (pos, (text, cents)) in parts.iter().enumerate() {
        invoice_line::ActiveModel {
            tenant_id: Set(tid),
            invoice_id: Set(row.id),
            position: Set(pos as i32 + 1),
            description: Set(text.to_string()),
            amount_cents: Set(*cents),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    if number == "2026-0002" {
        for raw in [DEMO_PAY_TOKEN, DEMO_LETTER_CODE] {
            one_time_token::ActiveModel {
                tenant_id: Set(tid),
                customer_id: Set(cust.id),
                purpose: Set(crate::services::paylinks::PURPOSE.into()),
                token_hash: Set(hash_token(raw)),
                invoice_id: Set(Some(row.id)),
                expires_at: Set(now + Duration::days(90)),
                used_at: Set(None),
                attempts: Set(0),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

fn month_label(d: NaiveDate, lang: &str) -> String {
    use chrono::Datelike;
    format!("{:02}/{}", d.month(), d.year()).replace('/', if lang == "de" { "." } else { "-" })
}

/// A one-page PDF standing in for the creditor's own invoice document.
fn demo_pdf(number: &str) -> Vec<u8> {
    let text = format!("BT /F1 18 Tf 72 760 Td (Factuur {number}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
