//! The demo's back-office staff (idempotent): an agent and an admin of tenant `demo`, and a
//! platform operator. Their TOTP secrets are fixed so the demo and the browser tests can compute
//! codes; `settle demo` prints them.
use crate::demo::DEMO_PASSWORD;
use crate::entities::staff_user;
use crate::keys::Keys;
use crate::passwords::hash_blocking;
use crate::staff::accounts::{create, NewStaff};
use crate::staff::{totp, Role};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

pub const DEMO_ADMIN_TOTP: &str = "SETTLEDEMOADMINTOTPSECRET2345672";
pub const DEMO_OPERATOR_TOTP: &str = "SETTLEDEMOOPERATORTOTPSECRET2345";

pub async fn seed(db: &DatabaseConnection, keys: &Keys, now: DateTime<Utc>) -> Result<(), DbErr> {
    let demo = crate::entities::tenant::Entity::find()
        .filter(crate::entities::tenant::Column::Slug.eq("demo"))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Custom("tenant demo is missing".into()))?;
    let hash = hash_blocking(DEMO_PASSWORD).map_err(|e| DbErr::Custom(e.to_string()))?;
    let people = [
        (Some(demo.id), "agent@settle.test", "Anna Agent", Role::Agent, None),
        (
            Some(demo.id),
            "admin@settle.test",
            "Adam Admin",
            Role::Admin,
            Some(DEMO_ADMIN_TOTP),
        ),
        (
            None,
            "operator@settle.test",
            "Olga Operator",
            Role::Operator,
            Some(DEMO_OPERATOR_TOTP),
        ),
    ];
    for (tenant_id, email, name, role, secret) in people {
        let exists = staff_user::Entity::find()
            .filter(staff_user::Column::Email.eq(email))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        create(
            db,
            keys,
            now,
            NewStaff {
                tenant_id,
                email,
                name,
                role,
                password_hash: hash.clone(),
                totp: secret.map(totp::parse_base32),
            },
        )
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    Ok(())
}
