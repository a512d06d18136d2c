//! `settle staff --tenant SLUG --email E --name N --role agent|admin [--totp]` (or `--operator`):
//! adds a back-office staff member. The password comes from standard input (its first line),
//! never from the command line; the TOTP secret, its `otpauth://` URI and the recovery codes are
//! printed once.
use settle_core::error::ServiceError;
use settle_core::staff::accounts::{create, NewStaff};
use settle_core::staff::{totp, Role};
use settle_core::state::AppState;
use std::io::BufRead;

#[derive(clap::Args)]
pub struct StaffArgs {
    /// The tenant the staff member works for.
    #[arg(long, required_unless_present = "operator", conflicts_with = "operator")]
    pub tenant: Option<String>,
    /// A platform operator (all tenants) instead.
    #[arg(long)]
    pub operator: bool,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// agent or admin (an operator is always an operator).
    #[arg(long, default_value = "agent")]
    pub role: String,
    /// Set up a second factor for an agent too (admins and operators always get one).
    #[arg(long)]
    pub totp: bool,
}

pub async fn run(state: &AppState, a: StaffArgs) -> anyhow::Result<()> {
    let role = if a.operator {
        Role::Operator
    } else {
        Role::parse(&a.role)
            .filter(|r| *r != Role::Operator)
            .ok_or_else(|| anyhow::anyhow!("--role must be agent or admin"))?
    };
    let tenant_id = match &a.tenant {
        Some(slug) => Some(crate::payment_cli::tenant(&state.db, slug).await?.id),
        None => None,
    };
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    if let Err(problem) = settle_domain::password::check_new_password(password) {
        anyhow::bail!("the password is not good enough: {}", problem.code());
    }
    let hash = state.hasher.hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let created = create(
        &state.db,
        &state.keys,
        state.clock.now(),
        NewStaff {
            tenant_id,
            email: &a.email,
            name: &a.name,
            role,
            password_hash: hash,
            totp: a.totp.then_some(None),
        },
    )
    .await
    .map_err(|e| match e {
        ServiceError::Invalid(f) => anyhow::anyhow!("refused: {f:?}"),
        other => anyhow::anyhow!("{other}"),
    })?;
    println!("Staff member {} added ({}).", a.email, role.as_str());
    if let Some(secret) = created.totp_secret {
        println!("TOTP secret: {}", totp::base32(&secret));
        println!("TOTP URI:    {}", totp::uri(&secret, "Settle", &a.email));
        println!("Recovery codes (each works once; keep them safe):");
        for c in created.recovery_codes {
            println!("  {c}");
        }
    }
    Ok(())
}
