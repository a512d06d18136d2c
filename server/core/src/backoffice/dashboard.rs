//! The dashboard: what is open and overdue, days sales outstanding, money collected per way of
//! paying, which step and channel was followed by payment within N days, and the callback and
//! dispute SLAs, for a date range; also as CSV. Aggregates run in SQL, scoped to the tenant.
use crate::dunning::bandit::{self, Record};
use crate::dunning::credit::query;
use crate::error::{ServiceError, ServiceResult};
use crate::staff::StaffScope;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ConnectionTrait, QueryResult};
use settle_domain::backoffice::{BandRow, ConversionRow, DashboardView, LiftView, VariantRow};
use settle_domain::dunning::outcomes;
use settle_domain::money::Money;
use std::collections::{BTreeMap, HashMap};

pub const MAX_RANGE_DAYS: i64 = 366;

fn start_of(tenant: &TenantCtx, d: NaiveDate) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tenant
        .tz
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// Checks the range typed on the page: defaults to the last 30 days, at most a year.
pub fn range(today: NaiveDate, from: Option<&str>, to: Option<&str>) -> ServiceResult<(NaiveDate, NaiveDate)> {
    let parse = |s: Option<&str>, field: &str| -> ServiceResult<Option<NaiveDate>> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ServiceError::invalid(field, "date_invalid")),
        }
    };
    let to = parse(to, "to")?.unwrap_or(today);
    let from = parse(from, "from")?.unwrap_or(to - Duration::days(29));
    if from > to || (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(ServiceError::invalid("from", "date_invalid"));
    }
    Ok((from, to))
}

pub async fn view<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    from: NaiveDate,
    to: NaiveDate,
    window_days: i64,
    now: DateTime<Utc>,
) -> ServiceResult<DashboardView> {
    let t = scope.tenant_id();
    let today = tenant.today(now);
    let (start, end) = (start_of(tenant, from), start_of(tenant, to + Duration::days(1)));
    let window_days = window_days.clamp(1, 90);
    let n = |r: &QueryResult, i: usize| r.try_get_by_index::<i64>(i).unwrap_or(0);
    let open = query(
        db,
        "SELECT COUNT(*), CAST(COALESCE(SUM(open_cents), 0) AS BIGINT), \
         COUNT(CASE WHEN due_date < ? THEN 1 END), CAST(COALESCE(SUM(CASE WHEN due_date < ? THEN open_cents END), 0) AS BIGINT) \
         FROM invoices WHERE tenant_id = ? AND status = 'open' AND open_cents > 0",
        vec![today.into(), today.into(), t.into()],
    )
    .await?;
    let o = open.first();
    let (open_count, open_cents, overdue_count, overdue_cents) =
        o.map_or((0, 0, 0, 0), |r| (n(r, 0), n(r, 1), n(r, 2), n(r, 3)));
    let invoiced = query(
        db,
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM invoices \
         WHERE tenant_id = ? AND issue_date >= ? AND issue_date <= ?",
        vec![t.into(), from.into(), to.into()],
    )
    .await?
    .first()
    .map_or(0, |r| n(r, 0));
    let days = (to - from).num_days() + 1;
    let dso_days = (invoiced > 0).then(|| ((open_cents as f64 / invoiced as f64) * days as f64).round() as i64);

    let mut collected: BTreeMap<String, i64> = BTreeMap::new();
    for r in query(
        db,
        "SELECT p.source, c.origin, CAST(SUM(a.costs_cents + a.interest_cents + a.principal_cents) AS BIGINT) \
         FROM payment_allocations a JOIN payments p ON p.id = a.payment_id LEFT JOIN checkouts c ON c.id = p.checkout_id \
         WHERE a.tenant_id = ? AND a.created_at >= ? AND a.created_at < ? GROUP BY p.source, c.origin",
        vec![t.into(), start.into(), end.into()],
    )
    .await?
    {
        let source: String = r.try_get_by_index(0).unwrap_or_default();
        let origin: Option<String> = r.try_get_by_index(1).unwrap_or_default();
        let how = match (source.as_str(), origin.as_deref()) {
            ("provider", Some("plan" | "plan_link")) => "plan",
            ("provider", _) => "online",
            ("statement", _) => "transfer",
            (other, _) => other,
        };
        *collected.entry(how.to_string()).or_default() += n(&r, 2);
    }

    // Messages of the range by step, channel and the part of the day they went out, and which
    // of them got the credit for their invoice's outcome (`dunning::credit`).
    let credit = crate::dunning::credit::of_range(db, t, start, end, Duration::days(window_days)).await?;
    let mut conv: BTreeMap<(i32, String, String), (u64, u64)> = BTreeMap::new();
    let mut bands: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut variants: BTreeMap<(i32, String, String), (u64, u64)> = BTreeMap::new();
    // The learner against the holdout, per debtor (one debtor's messages are not independent):
    // a debtor counts as won when a message of theirs got the credit.
    let mut debtors: HashMap<(bool, i64), bool> = HashMap::new();
    for m in &credit.sent {
        let won = credit.credited.contains(&m.id);
        if let Some(cohort) = m.cohort.as_deref() {
            *debtors.entry((cohort == "learner", m.customer)).or_default() |= won;
        }
        // A decision its outcome overtook sent nothing: it counts for the lift only.
        if !m.message {
            continue;
        }
        let e = conv.entry((m.position, m.step.clone(), m.channel.clone())).or_default();
        e.0 += 1;
        e.1 += u64::from(won);
        let b = bands
            .entry(outcomes::send_band(m.at.with_timezone(&tenant.tz).naive_local()))
            .or_default();
        b.0 += 1;
        b.1 += u64::from(won);
        if let Some(v) = &m.variant {
            let e = variants.entry((m.position, m.step.clone(), v.clone())).or_default();
            e.0 += 1;
            e.1 += u64::from(won);
        }
    }
    let mut cohorts = [Record::default(); 2];
    for ((learner, _), won) in debtors {
        let r = &mut cohorts[usize::from(learner)];
        if won {
            r.won += 1;
        } else {
            r.lost += 1;
        }
    }
    let [holdout, learner] = cohorts;
    let lift = bandit::lift(learner, holdout).map(|l| LiftView {
        learner_debtors: learner.won + learner.lost,
        holdout_debtors: holdout.won + holdout.lost,
        learner_percent: l.learner * 100.0,
        holdout_percent: l.holdout * 100.0,
        points: l.difference * 100.0,
        low: l.low * 100.0,
        high: l.high * 100.0,
    });

    let callbacks = query(
        db,
        "SELECT COUNT(*), COUNT(CASE WHEN status = 'done' THEN 1 END), COUNT(CASE WHEN status = 'cancelled' THEN 1 END), \
         COUNT(CASE WHEN status IN ('lapsed') OR (status = 'booked' AND slot_start < ?) THEN 1 END) \
         FROM callbacks WHERE tenant_id = ? AND slot_start >= ? AND slot_start < ?",
        vec![now.into(), t.into(), start.into(), end.into()],
    )
    .await?;
    let disputes = query(
        db,
        "SELECT COUNT(*), COUNT(CASE WHEN resolved_at IS NOT NULL AND resolved_at <= sla_due_at THEN 1 END), \
         COUNT(CASE WHEN resolved_at IS NOT NULL AND resolved_at > sla_due_at THEN 1 END), \
         COUNT(CASE WHEN resolved_at IS NULL AND sla_due_at < ? THEN 1 END) \
         FROM disputes WHERE tenant_id = ? AND created_at >= ? AND created_at < ?",
        vec![now.into(), t.into(), start.into(), end.into()],
    )
    .await?;
    let four = |rows: &[QueryResult]| {
        rows.first().map_or((0, 0, 0, 0), |r| {
            (n(r, 0) as u64, n(r, 1) as u64, n(r, 2) as u64, n(r, 3) as u64)
        })
    };
    Ok(DashboardView {
        from,
        to,
        window_days,
        open_count: open_count as u64,
        open: Money::eur(open_cents),
        overdue_count: overdue_count as u64,
        overdue: Money::eur(overdue_cents),
        invoiced: Money::eur(invoiced),
        dso_days,
        collected: collected.into_iter().map(|(k, v)| (k, Money::eur(v))).collect(),
        conversion: conv
            .into_iter()
            .map(|((pos, step, channel), (sent, paid))| ConversionRow {
                step: format!("{pos}: {step}"),
                channel,
                sent,
                paid,
            })
            .collect(),
        by_band: outcomes::BANDS
            .iter()
            .filter_map(|b| {
                bands.get(b).map(|(sent, paid)| BandRow {
                    band: (*b).to_string(),
                    sent: *sent,
                    paid: *paid,
                })
            })
            .collect(),
        by_variant: variants
            .into_iter()
            .map(|((pos, step, variant), (sent, paid))| VariantRow {
                step: format!("{pos}: {step}"),
                variant,
                sent,
                paid,
            })
            .collect(),
        lift,
        callbacks: four(&callbacks),
        disputes: four(&disputes),
    })
}

/// The same figures as CSV (`;`-separated, cells a spreadsheet would run defused).
pub fn csv(v: &DashboardView) -> ServiceResult<Vec<u8>> {
    let cell = crate::dunning::early_signals::cell;
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let err = |e: csv::Error| ServiceError::Internal(e.into());
    let cents = |m: Money| format!("{:.2}", m.cents as f64 / 100.0);
    out.write_record(["metric", "key", "value"]).map_err(err)?;
    let mut row = |m: &str, k: &str, v: String| out.write_record([cell(m), cell(k), cell(&v)]);
    row("range", "from", v.from.to_string()).map_err(err)?;
    row("range", "to", v.to.to_string()).map_err(err)?;
    row("open", "count", v.open_count.to_string()).map_err(err)?;
    row("open", "eur", cents(v.open)).map_err(err)?;
    row("overdue", "count", v.overdue_count.to_string()).map_err(err)?;
    row("overdue", "eur", cents(v.overdue)).map_err(err)?;
    row("invoiced", "eur", cents(v.invoiced)).map_err(err)?;
    row("dso", "days", v.dso_days.map(|d| d.to_string()).unwrap_or_default()).map_err(err)?;
    for (how, m) in &v.collected {
        row("collected", how, cents(*m)).map_err(err)?;
    }
    for c in &v.conversion {
        row("sent", &format!("{} {}", c.step, c.channel), c.sent.to_string()).map_err(err)?;
        row(
            &format!("paid_within_{}_days", v.window_days),
            &format!("{} {}", c.step, c.channel),
            c.paid.to_string(),
        )
        .map_err(err)?;
    }
    for b in &v.by_band {
        row("sent_in", &b.band, b.sent.to_string()).map_err(err)?;
        row(
            &format!("paid_within_{}_days_in", v.window_days),
            &b.band,
            b.paid.to_string(),
        )
        .map_err(err)?;
    }
    for x in &v.by_variant {
        let key = format!("{} {}", x.step, x.variant);
        row("sent_in_variant", &key, x.sent.to_string()).map_err(err)?;
        row(
            &format!("paid_within_{}_days_in_variant", v.window_days),
            &key,
            x.paid.to_string(),
        )
        .map_err(err)?;
    }
    if let Some(l) = &v.lift {
        row("lift", "learner_debtors", l.learner_debtors.to_string()).map_err(err)?;
        row("lift", "holdout_debtors", l.holdout_debtors.to_string()).map_err(err)?;
        for (k, n) in [
            ("learner_percent", l.learner_percent),
            ("holdout_percent", l.holdout_percent),
            ("points", l.points),
            ("low_95", l.low),
            ("high_95", l.high),
        ] {
            row("lift", k, format!("{n:.1}")).map_err(err)?;
        }
    }
    let (all, done, cancelled, missed) = v.callbacks;
    for (k, n) in [
        ("all", all),
        ("done", done),
        ("cancelled", cancelled),
        ("never_closed", missed),
    ] {
        row("callbacks", k, n.to_string()).map_err(err)?;
    }
    let (all, ok, late, open) = v.disputes;
    for (k, n) in [
        ("all", all),
        ("within_sla", ok),
        ("late", late),
        ("open_past_sla", open),
    ] {
        row("disputes", k, n.to_string()).map_err(err)?;
    }
    out.into_inner()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv: {e}")))
}
