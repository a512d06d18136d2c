//! Counters the workers bump as things happen, in the process-wide Prometheus registry; the
//! server's `/metrics` adds what it reads from the database at scrape time. Counters restart at
//! zero with the process, as Prometheus expects.
use prometheus::{IntCounterVec, Opts};
use std::sync::LazyLock;

/// A counter with labels, registered once in the default registry. The names are constants
/// here, so making one cannot fail; were it to, the counter would count unexported.
fn counter(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = match IntCounterVec::new(Opts::new(name, help), labels) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, name, "metric not made");
            return IntCounterVec::new(Opts::new("settle_unexported_total", "-"), labels)
                .unwrap_or_else(|_| unreachable!("a valid name"));
        }
    };
    if let Err(e) = prometheus::register(Box::new(c.clone())) {
        tracing::error!(error = %e, name, "metric not registered");
    }
    c
}

/// Messages handed to their channel, by channel (email, sms, letter).
pub static MESSAGES_SENT: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter(
        "settle_messages_sent_total",
        "Messages handed to their channel (SMTP, SMS provider, print), by channel",
        &["channel"],
    )
});

/// Messages that failed to send, by channel and whether another attempt follows.
pub static MESSAGES_FAILED: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter(
        "settle_messages_failed_total",
        "Message sending failures, by channel and outcome (retry or failed)",
        &["channel", "outcome"],
    )
});

/// Webhook delivery attempts, by result: delivered, retry (a failed attempt) or given_up.
pub static WEBHOOK_ATTEMPTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter(
        "settle_webhook_attempts_total",
        "Webhook delivery attempts, by result (delivered, retry, given_up)",
        &["result"],
    )
});

/// Makes every counter exist (at zero) before anything happened, so a scrape shows them all
/// and a dashboard's rate starts from zero instead of from nothing.
pub fn init() {
    for channel in ["email", "sms", "letter", "voice"] {
        MESSAGES_SENT.with_label_values(&[channel]);
        for outcome in ["retry", "failed"] {
            MESSAGES_FAILED.with_label_values(&[channel, outcome]);
        }
    }
    for result in ["delivered", "retry", "given_up"] {
        WEBHOOK_ATTEMPTS.with_label_values(&[result]);
    }
}
