//! `settle sms-provider --tenant SLUG --provider twilio|messagebird [--api-base URL]`: the
//! tenant's SMS account; credentials as JSON on standard input, sealed at rest, never echoed.
use settle_core::services::sms_settings;
use settle_core::state::AppState;
use std::io::Read;

#[derive(clap::Args)]
pub struct SmsProviderArgs {
    #[arg(long)]
    pub tenant: String,
    /// twilio (account_sid, auth_token, from) or messagebird (access_key, originator).
    #[arg(long)]
    pub provider: String,
    /// Another API base (a test double, or a provider's regional endpoint).
    #[arg(long)]
    pub api_base: Option<String>,
}

pub async fn configure_sms(state: &AppState, args: SmsProviderArgs) -> anyhow::Result<()> {
    let t = crate::payment_cli::tenant(&state.db, &args.tenant).await?;
    eprintln!("Credentials as JSON on standard input, then end of input:");
    let mut raw = String::new();
    std::io::stdin().lock().read_to_string(&mut raw)?;
    let creds: serde_json::Value =
        serde_json::from_str(&raw).map_err(|_| anyhow::anyhow!("the credentials are not a JSON object"))?;
    let key_id = sms_settings::save(
        &state.db,
        &state.keys,
        state.clock.now(),
        t.id,
        &args.provider,
        args.api_base.as_deref(),
        &creds,
    )
    .await
    .map_err(|_| {
        anyhow::anyhow!(
            "{} needs {}",
            args.provider,
            match args.provider.as_str() {
                "twilio" => "account_sid, auth_token and from",
                "messagebird" => "access_key and originator",
                _ => "to be twilio or messagebird",
            }
        )
    })?;
    println!(
        "SMS provider for {} set to {} (credentials sealed with key {key_id}; they are not shown again)",
        t.slug, args.provider
    );
    Ok(())
}
