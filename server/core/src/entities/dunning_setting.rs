//! A tenant's contact policy for dunning: sending window, closed days, delivery assumptions, caps.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dunning_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub window_opens: String,
    pub window_closes: String,
    pub closed_weekdays: String,
    pub holiday_region: String,
    pub extra_closed_dates: String,
    pub letter_delivery_days: i32,
    pub email_delivery_days: i32,
    pub email_per_day: i32,
    pub sms_per_day: i32,
    pub letters_per_day: i32,
    pub send_time_optimisation: bool,
    /// The tenant has its debtors' consent to count clicks on links in emails.
    pub click_tracking: bool,
    /// Count opens with a pixel (consent); an open never proves receipt.
    pub open_tracking: bool,
    pub updated_at: DateTimeUtc,
    /// Opens and clicks are deleted this many days after they happened.
    pub tracking_retention_days: i32,
    /// A debtor with nothing left open loses contact data this many days after the last change.
    pub closed_debtor_retention_days: i32,
    /// The free choices (the part of the day a reminder goes out) are learned from outcomes.
    pub learning: bool,
    /// The share of debtors (percent) that always get the fixed plan, to measure the learner.
    pub holdout_percent: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
