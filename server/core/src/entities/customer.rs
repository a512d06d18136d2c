//! A debtor as the creditor knows them: number, contact data, language, channel preferences.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub customer_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone_e164: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub language: Option<String>,
    pub pref_email: bool,
    pub pref_sms: bool,
    pub pref_letter: bool,
    /// Comma-separated tags that segment rules match.
    pub tags: String,
    /// Debt restructuring, insolvency, debt counselling or deceased: no dunning at all.
    pub legal_stop: Option<String>,
    /// Set when mail to the address hard-bounced; reminders fall back to the next channel.
    pub email_invalid_at: Option<DateTimeUtc>,
    /// Set when a letter came back undelivered; no letters go to the address until it changes.
    pub address_invalid_at: Option<DateTimeUtc>,
    /// A new address or number the debtor asked for, until they confirm it.
    pub pending_email: Option<String>,
    pub pending_phone: Option<String>,
    /// When the debtor agreed to reminders by SMS.
    pub sms_consent_at: Option<DateTimeUtc>,
    /// When the debtor agreed to automated reminder calls (none: no calls).
    pub voice_consent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Contact data erased by retention (nothing was left open for the tenant's period).
    pub contact_erased_at: Option<DateTimeUtc>,
    /// Name and address erased too, once the legal retention of the bookkeeping ended.
    pub personal_erased_at: Option<DateTimeUtc>,
    /// When the debtor said no to counting opens and clicks of reminder emails (the tenant's
    /// tracking setting then does not apply to them); None when they have not, or said yes again.
    pub tracking_refused_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::portal_account::Entity")]
    PortalAccount,
}

impl Related<super::portal_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PortalAccount.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl ActiveModel {
    /// A new mobile number (`old` is the one on file). Calls were agreed to on the number the
    /// debtor had: a different one needs a new "yes".
    pub fn set_phone(&mut self, old: &Option<String>, phone: Option<String>) {
        if *old != phone {
            self.voice_consent_at = sea_orm::Set(None);
        }
        self.phone_e164 = sea_orm::Set(phone);
    }
}
