//! Payment links through the API: the creditor makes one for an open invoice to use in its own
//! channels (its app, its own letters), and revokes it. A link is the same as the ones Settle's
//! reminders carry: 90 days, dead once the invoice is paid, its token stored only as a hash.
use crate::entities::{invoice, one_time_token};
use crate::error::{ServiceError, ServiceResult};
use crate::services::paylinks::{self, PAY_LINK_DAYS, PURPOSE};
use crate::tenant::TenantCtx;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PaymentLink {
    /// Use it to revoke the link.
    pub id: i64,
    /// The link to give the debtor (shown in this answer only; Settle keeps a hash).
    #[schema(example = "https://portal.example.nl/pay/3q2-...")]
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A new link for an open invoice of the tenant.
pub async fn create(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    number: &str,
    now: DateTime<Utc>,
) -> ServiceResult<PaymentLink> {
    let tx = crate::db::begin_write(db).await?;
    let inv = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .filter(invoice::Column::Number.eq(number.trim()))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if inv.status != "open" || inv.open_cents <= 0 {
        return Err(ServiceError::Conflict("invoice_not_open"));
    }
    let raw = paylinks::create(&tx, now, &inv).await?;
    let row = one_time_token::Entity::find()
        .filter(one_time_token::Column::TenantId.eq(tenant.id))
        .filter(one_time_token::Column::InvoiceId.eq(inv.id))
        .filter(one_time_token::Column::Purpose.eq(PURPOSE))
        .filter(one_time_token::Column::TokenHash.eq(crate::tokens::hash_token(&raw)))
        .order_by_desc(one_time_token::Column::Id)
        .one(&tx)
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("payment link not stored")))?;
    tx.commit().await?;
    Ok(PaymentLink {
        id: row.id,
        url: tenant.link(&format!("/pay/{raw}")),
        expires_at: now + Duration::days(PAY_LINK_DAYS),
    })
}

/// Revokes a link of the invoice: it stops working at once.
pub async fn revoke(
    db: &DatabaseConnection,
    tenant_id: i64,
    number: &str,
    id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let inv = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant_id))
        .filter(invoice::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let done = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::ExpiresAt, Expr::value(now))
        .filter(one_time_token::Column::Id.eq(id))
        .filter(one_time_token::Column::TenantId.eq(tenant_id))
        .filter(one_time_token::Column::InvoiceId.eq(inv.id))
        .filter(one_time_token::Column::Purpose.eq(PURPOSE))
        .filter(one_time_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}
