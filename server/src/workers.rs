//! Background work beside the web server: the outbox dispatcher and housekeeping. Each loop
//! stops when the shutdown signal fires.
use settle_core::outbox::{self, Mailer};
use settle_core::state::AppState;
use std::time::Duration;
use tokio::sync::watch;

pub fn spawn(state: AppState, mailer: Mailer, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        let mut housekeeping = tokio::time::interval(Duration::from_secs(600));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = outbox::dispatch_due(&state.db, &mailer, state.clock.now()).await {
                        tracing::error!(error = %e, "outbox dispatch failed");
                    }
                }
                _ = housekeeping.tick() => {
                    state.throttle.forget_idle();
                    if let Err(e) = crate::session_store::purge_expired(&state.db, state.clock.now()).await {
                        tracing::error!(error = %e, "session purge failed");
                    }
                }
                _ = stop.changed() => break,
            }
        }
    })
}
