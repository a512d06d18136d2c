//! Letters handed to a print provider over HTTP instead of the print spool: the PDF is POSTed
//! to the tenant's endpoint with the message's id as `Idempotency-Key`, so a resend after a
//! crash prints nothing twice at a provider that honours it. The provider answers with its job
//! id (`{"id": "..."}`), kept with the message.
use crate::entities::{outbox, tenant};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;

#[derive(Clone, Debug)]
pub struct PrintProvider {
    pub url: String,
    pub token: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// Unreachable, timed out, rate limited or failing on the provider's side: retry.
    #[error("print provider unavailable: {0}")]
    Transient(String),
    /// The provider refused this letter or our credentials: retrying the same cannot help.
    #[error("print provider refused the letter: {0}")]
    Permanent(String),
}

impl PrintError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

fn refused(status: StatusCode) -> PrintError {
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT {
        PrintError::Transient(format!("HTTP {status}"))
    } else {
        PrintError::Permanent(format!("HTTP {status}"))
    }
}

impl PrintProvider {
    /// Hands one letter over; returns the provider's job id (the message id if it names none).
    pub async fn hand_off(
        &self,
        http: &reqwest::Client,
        tenant: Option<&tenant::Model>,
        row: &outbox::Model,
    ) -> anyhow::Result<String> {
        let pdf = row
            .document
            .clone()
            .ok_or_else(|| anyhow::anyhow!("letter {} has no document", row.id))?;
        let key = row
            .message_id
            .clone()
            .unwrap_or_else(|| format!("<outbox-{}@settle>", row.id));
        let mut req = http
            .post(&self.url)
            .header(CONTENT_TYPE, "application/pdf")
            .header("Idempotency-Key", key.trim_matches(['<', '>']))
            .header("X-Settle-Tenant", tenant.map_or("", |t| t.slug.as_str()))
            .body(pdf);
        if let Some(token) = &self.token {
            req = req.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        let res = req
            .send()
            .await
            .map_err(|e| PrintError::Transient(e.without_url().to_string()))?;
        if !res.status().is_success() {
            return Err(refused(res.status()).into());
        }
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        Ok(body
            .get("id")
            .and_then(|v| {
                v.as_str()
                    .map(String::from)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
            .unwrap_or_else(|| key.trim_matches(['<', '>']).to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_provider_side_failures_are_retried() {
        for s in [500, 502, 503, 429, 408] {
            assert!(refused(StatusCode::from_u16(s).unwrap()).is_transient(), "{s}");
        }
        for s in [400, 401, 403, 404, 413, 422] {
            assert!(!refused(StatusCode::from_u16(s).unwrap()).is_transient(), "{s}");
        }
    }
}
