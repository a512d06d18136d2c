//! `settle api-key create --tenant SLUG --name NAME [--scope read|write]` prints the new key
//! alone on its last line (it is shown once, stored hashed); `settle api-key list --tenant SLUG`
//! and `settle api-key revoke --tenant SLUG --id ID`.
use settle_core::api_keys::{self, Scope};
use settle_core::sea_orm::DatabaseConnection;

#[derive(clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key; its last line of output is the key alone.
    Create {
        #[arg(long)]
        tenant: String,
        /// What the key is for, e.g. "billing system".
        #[arg(long)]
        name: String,
        /// read, or write (which reads too).
        #[arg(long, default_value = "write")]
        scope: String,
    },
    /// The tenant's keys: id, name, rights, first characters, last use, revoked.
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Revoke a key by its id: it stops working at once.
    Revoke {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        id: i64,
    },
}

pub async fn run(
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
    cmd: ApiKeyCommand,
) -> anyhow::Result<()> {
    match cmd {
        ApiKeyCommand::Create { tenant, name, scope } => {
            let t = crate::payment_cli::tenant(db, &tenant).await?;
            let scope = Scope::parse(&scope).ok_or_else(|| anyhow::anyhow!("--scope is read or write"))?;
            let (row, key) = api_keys::create(db, t.id, &name, scope, "cli", now)
                .await
                .map_err(|_| anyhow::anyhow!("--name must be 1 to 100 characters"))?;
            eprintln!(
                "API key {} ({}, {}) for {}; it is not shown again:",
                row.id,
                row.name,
                scope.as_str(),
                t.slug
            );
            println!("{key}");
        }
        ApiKeyCommand::List { tenant } => {
            let t = crate::payment_cli::tenant(db, &tenant).await?;
            for k in api_keys::list(db, t.id).await? {
                let last = k.last_used_at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".into());
                let revoked = k
                    .revoked_at
                    .map(|t| format!("revoked {}", t.to_rfc3339()))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}…\tlast used {last}\t{revoked}",
                    k.id, k.name, k.scope, k.prefix
                );
            }
        }
        ApiKeyCommand::Revoke { tenant, id } => {
            let t = crate::payment_cli::tenant(db, &tenant).await?;
            api_keys::revoke(db, t.id, id, "cli", now)
                .await
                .map_err(|_| anyhow::anyhow!("no live key {id} of {}", t.slug))?;
            println!("API key {id} of {} revoked", t.slug);
        }
    }
    Ok(())
}
