//! Background work beside the web server: the dunning planner and the dispute SLA check (every
//! minute), issuing due reminders, sending the outbox and writing what requests noted in memory
//! (every two seconds), and housekeeping. Each loop stops when
//! the shutdown signal fires. Several instances may run on one Postgres: claims decide.
use settle_core::dunning::{issue, planner, run};
use settle_core::outbox::{self, Senders};
use settle_core::state::AppState;
use std::time::Duration;
use tokio::sync::watch;

pub fn spawn(state: AppState, senders: Senders, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        let mut planning = tokio::time::interval(Duration::from_secs(60));
        let mut housekeeping = tokio::time::interval(Duration::from_secs(600));
        let mut retention_day = None;
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let now = state.clock.now();
                    if let Err(e) = issue::issue_due(&state.db, now, None, 500).await {
                        tracing::error!(error = %e, "issuing reminders failed");
                    }
                    if let Err(e) = outbox::dispatch(&state.db, &senders, now, 200).await {
                        tracing::error!(error = %e, "outbox dispatch failed");
                    }
                    write_notes(&state).await;
                    if let Err(e) = settle_core::webhooks::fan_out(&state.db, now).await {
                        tracing::error!(error = %e, "webhook fan-out failed");
                    }
                    let policy = state.webhook_policy();
                    if let Err(e) = settle_core::webhooks::deliver_due(&state.db, &state.keys, policy, now).await {
                        tracing::error!(error = %e, "webhook delivery failed");
                    }
                    crate::ops::scheduler_ticked(state.clock.now());
                }
                _ = planning.tick() => plan_all(&state).await,
                _ = housekeeping.tick() => {
                    state.throttle.forget_idle();
                    if let Err(e) = crate::session_store::purge_expired(&state.db, state.clock.now()).await {
                        tracing::error!(error = %e, "session purge failed");
                    }
                    if let Err(e) = settle_core::api::idempotency::forget_old(&state.db, state.clock.now()).await {
                        tracing::error!(error = %e, "idempotency purge failed");
                    }
                    if let Err(e) = settle_core::throttle::purge_windows(&state.db, state.clock.now()).await {
                        tracing::error!(error = %e, "throttle purge failed");
                    }
                    retention_once_a_day(&state, &mut retention_day).await;
                }
                _ = stop.changed() => break,
            }
        }
        // The server has stopped taking requests: what they noted is written before exit.
        write_notes(&state).await;
    })
}

/// Writes what requests noted in memory: email link clicks and session expiry refreshes.
pub async fn write_notes(state: &AppState) {
    if let Err(e) = state.tracker.flush(&state.system_db).await {
        tracing::error!(error = %e, "writing link clicks failed");
    }
    if let Err(e) = state.session_refreshes.flush(&state.system_db).await {
        tracing::error!(error = %e, "writing session refreshes failed");
    }
}

/// Retention runs on the first housekeeping round of each day (on every instance; a second run
/// finds nothing left to do), again every round until it succeeded that day.
async fn retention_once_a_day(state: &AppState, last: &mut Option<chrono::NaiveDate>) {
    let now = state.clock.now();
    if *last == Some(now.date_naive()) {
        return;
    }
    match settle_core::retention::run(&state.db, &state.upload_dir, now).await {
        Ok(r) if r == settle_core::retention::Report::default() => *last = Some(now.date_naive()),
        Ok(r) => {
            *last = Some(now.date_naive());
            tracing::info!(
                tracking_events = r.tracking_events,
                contacts_erased = r.contacts_erased,
                people_erased = r.people_erased,
                "retention applied"
            )
        }
        // Tried again at the next housekeeping round.
        Err(e) => tracing::error!(error = %e, "retention failed"),
    }
}

async fn plan_all(state: &AppState) {
    match settle_core::services::disputes::flag_overdue(&state.db, state.clock.now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(disputes = n, "disputes past their SLA flagged to staff"),
        Err(e) => tracing::error!(error = %e, "flagging overdue disputes failed"),
    }
    match settle_core::services::plans::remind(&state.db, state.clock.now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(instalments = n, "instalment reminders queued"),
        Err(e) => tracing::error!(error = %e, "instalment reminders failed"),
    }
    match settle_core::services::plans::check(&state.db, state.clock.now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(plans = n, "payment plans broke; dunning resumes"),
        Err(e) => tracing::error!(error = %e, "checking payment plans failed"),
    }
    match settle_core::services::callbacks::lapse(&state.db, state.clock.now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(callbacks = n, "callbacks past their day lapsed; their holds lifted"),
        Err(e) => tracing::error!(error = %e, "lapsing callbacks failed"),
    }
    let tenants = match run::tenants(&state.db, None).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "dunning planner could not list tenants");
            return;
        }
    };
    for t in tenants {
        match planner::plan_tenant(&state.db, &t, state.clock.now(), false).await {
            Ok(r) if r.planned_count > 0 => {
                tracing::info!(tenant = %r.tenant, planned = r.planned_count, "dunning steps planned");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(tenant = %t.slug, error = %e, "dunning planner pass failed"),
        }
    }
}
