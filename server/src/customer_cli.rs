//! `settle representative --tenant SLUG --customer NUMBER ...`: set or remove a debtor's
//! representative until the back office does it (issue 6).
use settle_core::error::ServiceError;
use settle_core::sea_orm::DatabaseConnection;
use settle_core::services::representatives::{self, NewRepresentative};

#[derive(clap::Args)]
pub struct RepresentativeArgs {
    #[arg(long)]
    pub tenant: String,
    /// The debtor's customer number.
    #[arg(long)]
    pub customer: String,
    /// Remove the representative instead.
    #[arg(long)]
    pub remove: bool,
    /// administrator (bewindvoerder), guardian, debt_counsellor or other.
    #[arg(long, required_unless_present = "remove")]
    pub kind: Option<String>,
    #[arg(long, required_unless_present = "remove")]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long, requires_all = ["postcode", "city", "country"])]
    pub street: Option<String>,
    #[arg(long)]
    pub postcode: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub country: Option<String>,
    /// Messages go to the representative only (default: to the debtor as well).
    #[arg(long)]
    pub instead: bool,
}

pub async fn representative(conn: &DatabaseConnection, a: RepresentativeArgs) -> anyhow::Result<()> {
    let t = crate::payment_cli::tenant(conn, &a.tenant).await?;
    let now = chrono::Utc::now();
    let explain = |e: ServiceError| match e {
        ServiceError::NotFound => anyhow::anyhow!("no customer {} in {}", a.customer, t.slug),
        ServiceError::Invalid(f) => anyhow::anyhow!(
            "refused: {}",
            f.iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => anyhow::anyhow!("{other}"),
    };
    if a.remove {
        let gone = representatives::remove(conn, t.id, "cli", &a.customer, now)
            .await
            .map_err(explain)?;
        println!(
            "{}",
            if gone {
                "Representative removed"
            } else {
                "There was no representative"
            }
        );
        return Ok(());
    }
    let address = match (&a.street, &a.postcode, &a.city, &a.country) {
        (Some(s), Some(p), Some(c), Some(k)) => Some((s.as_str(), p.as_str(), c.as_str(), k.as_str())),
        _ => None,
    };
    let r = NewRepresentative {
        kind: a.kind.as_deref().unwrap_or_default(),
        name: a.name.as_deref().unwrap_or_default(),
        email: a.email.as_deref(),
        phone: a.phone.as_deref(),
        address,
        instead: a.instead,
    };
    representatives::set(conn, &t, "cli", &a.customer, &r, now)
        .await
        .map_err(explain)?;
    println!(
        "Representative set for customer {}: messages go to them {}",
        a.customer,
        if a.instead {
            "instead of the debtor"
        } else {
            "and to the debtor"
        }
    );
    Ok(())
}
