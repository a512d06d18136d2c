//! A creditor: branding, creditor account, language and time zone.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub display_name: String,
    pub base_url: String,
    pub default_locale: String,
    pub time_zone: String,
    pub brand_primary: String,
    pub brand_accent: String,
    #[sea_orm(column_type = "Text")]
    /// Kept for letters only (printed as vectors); never served.
    pub brand_logo_svg: String,
    /// What the portal, emails and the manifest show (`/logo.png`); `None` before the first upload
    /// or seeding, when `/logo.png` rasterises the SVG.
    pub brand_logo_png: Option<Vec<u8>>,
    pub support_phone: String,
    pub support_email: String,
    pub support_hours: String,
    #[sea_orm(column_type = "Text")]
    pub legal_footer: String,
    pub creditor_legal_name: String,
    pub creditor_iban: String,
    pub creditor_bic: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub creditor_address: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
