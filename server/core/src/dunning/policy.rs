//! A tenant's contact policy for dunning messages, read from `dunning_settings` (defaults when
//! the tenant has none): the sending window, delivery assumptions and frequency caps.
use crate::entities::dunning_setting;
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use settle_domain::dunning::calendar::{parse_dates, parse_weekdays, ContactWindow, DeliveryAssumption, HolidayRegion};
use settle_domain::dunning::steps::Channel;
use settle_domain::locale::Locale;

#[derive(Clone, Debug)]
pub struct Policy {
    pub window: ContactWindow,
    pub delivery: DeliveryAssumption,
    pub region: HolidayRegion,
    pub email_per_day: i32,
    pub sms_per_day: i32,
    pub letters_per_day: i32,
    pub send_time_optimisation: bool,
    /// Links in emails go through `/t/c/...` so clicks are counted (with consent only).
    pub click_tracking: bool,
    pub open_tracking: bool,
    /// Next best action: the part of the day is learned (see `learning`).
    pub learning: bool,
    /// Percent of debtors held out on the fixed plan.
    pub holdout_percent: u8,
}

/// At most one automated call a day per debtor, whatever the other caps say.
pub const CALLS_PER_DAY: i32 = 1;

impl Policy {
    /// Without settings: 08:00-20:00, no Sundays, the holidays of the tenant's country.
    pub fn standard(tenant: &TenantCtx) -> Policy {
        Self::of_region(match tenant.default_locale {
            Locale::De => HolidayRegion::De,
            _ => HolidayRegion::Nl,
        })
    }

    /// The standard policy with a region's holidays.
    pub fn of_region(region: HolidayRegion) -> Policy {
        Policy {
            window: ContactWindow::standard(region),
            delivery: DeliveryAssumption::default(),
            region,
            email_per_day: 1,
            sms_per_day: 1,
            letters_per_day: 1,
            send_time_optimisation: true,
            click_tracking: false,
            open_tracking: false,
            learning: false,
            holdout_percent: super::learning::HOLDOUT_PERCENT as u8,
        }
    }

    pub fn cap(&self, channel: Channel) -> i32 {
        match channel {
            Channel::Email => self.email_per_day,
            Channel::Sms => self.sms_per_day,
            Channel::Letter => self.letters_per_day,
            Channel::Voice => CALLS_PER_DAY,
        }
    }

    /// The first instant at or after `at` when the window is open, in UTC. `at` itself when
    /// open; None only for a window that never opens.
    pub fn next_opening(&self, tenant: &TenantCtx, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&tenant.tz).naive_local();
        let open = self.window.next_opening(local)?;
        if open == local {
            return Some(at);
        }
        tenant
            .tz
            .from_local_datetime(&open)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The next opening on a later day than `at` (for a message over its daily cap).
    pub fn next_day_opening(&self, tenant: &TenantCtx, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let tomorrow = at.with_timezone(&tenant.tz).date_naive().succ_opt()?;
        let local = self.window.next_opening(tomorrow.and_time(NaiveTime::MIN))?;
        tenant
            .tz
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }
}

pub async fn load<C: ConnectionTrait>(db: &C, tenant: &TenantCtx) -> Result<Policy, DbErr> {
    let standard = Policy::standard(tenant);
    let Some(row) = dunning_setting::Entity::find_by_id(tenant.id).one(db).await? else {
        return Ok(standard);
    };
    let region = HolidayRegion::parse(&row.holiday_region).unwrap_or(standard.region);
    let time = |s: &str, d: NaiveTime| NaiveTime::parse_from_str(s.trim(), "%H:%M").unwrap_or(d);
    let window = ContactWindow {
        opens: time(&row.window_opens, standard.window.opens),
        closes: time(&row.window_closes, standard.window.closes),
        closed_weekdays: parse_weekdays(&row.closed_weekdays).unwrap_or(standard.window.closed_weekdays),
        region,
        extra_closed: parse_dates(&row.extra_closed_dates).unwrap_or_default(),
    };
    Ok(Policy {
        window,
        delivery: DeliveryAssumption {
            letter_working_days: u32::try_from(row.letter_delivery_days).unwrap_or(2),
            email_days: u32::try_from(row.email_delivery_days).unwrap_or(1),
            // One setting for both electronic channels: an SMS arrives no slower than an email.
            sms_days: u32::try_from(row.email_delivery_days).unwrap_or(1),
        },
        region,
        email_per_day: row.email_per_day,
        sms_per_day: row.sms_per_day,
        letters_per_day: row.letters_per_day,
        send_time_optimisation: row.send_time_optimisation,
        click_tracking: row.click_tracking,
        open_tracking: row.open_tracking,
        learning: row.learning,
        holdout_percent: u8::try_from(row.holdout_percent.clamp(0, 100)).unwrap_or(10),
    })
}
