//! Finishing a rotation of `SETTLE_SECRET_KEY`: every value sealed at rest (provider
//! credentials, DKIM keys, print tokens, second factors, webhook signing secrets, stored API
//! replies) is opened with whichever key sealed it and sealed again under the current key, in
//! one transaction, so the previous key can be retired. Values no key of this server opens are
//! left exactly as they are and counted.
use crate::keys::Keys;
use crate::secrets;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Value};
use std::collections::BTreeMap;

/// Where a sealed value lives: its table, the row's key, and the columns of the key id and the
/// sealed text. `kid: None` means the column holds both as `kid:sealed`.
struct Place {
    table: &'static str,
    pk: &'static str,
    kid: Option<&'static str>,
    sealed: &'static str,
}

const PLACES: &[Place] = &[
    Place {
        table: "email_settings",
        pk: "tenant_id",
        kid: Some("dkim_key_id"),
        sealed: "dkim_key",
    },
    Place {
        table: "payment_settings",
        pk: "tenant_id",
        kid: Some("credentials_key_id"),
        sealed: "credentials",
    },
    Place {
        table: "print_settings",
        pk: "tenant_id",
        kid: Some("token_key_id"),
        sealed: "token",
    },
    Place {
        table: "sms_settings",
        pk: "tenant_id",
        kid: Some("credentials_key_id"),
        sealed: "credentials",
    },
    Place {
        table: "staff_users",
        pk: "id",
        kid: Some("totp_key_id"),
        sealed: "totp_sealed",
    },
    Place {
        table: "webhook_endpoints",
        pk: "id",
        kid: Some("secret_key_id"),
        sealed: "secret_sealed",
    },
    Place {
        table: "webhook_endpoints",
        pk: "id",
        kid: Some("previous_key_id"),
        sealed: "previous_sealed",
    },
    Place {
        table: "idempotency_keys",
        pk: "id",
        kid: None,
        sealed: "body",
    },
];

/// Per place (`table.column`): how many values each key id sealed, and what a reseal did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Key id → number of values it sealed (before a reseal).
    pub by_key: BTreeMap<String, u64>,
    pub resealed: u64,
    /// Sealed with a key this server does not have: left as they were.
    pub unopenable: u64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// The current key's id.
    pub current: String,
    pub places: BTreeMap<String, Tally>,
}

impl Report {
    pub fn resealed(&self) -> u64 {
        self.places.values().map(|t| t.resealed).sum()
    }
    pub fn unopenable(&self) -> u64 {
        self.places.values().map(|t| t.unopenable).sum()
    }
    /// Values still sealed under another key than the current one.
    pub fn not_current(&self) -> u64 {
        self.places
            .values()
            .flat_map(|t| t.by_key.iter())
            .filter(|(k, _)| **k != self.current)
            .map(|(_, n)| *n)
            .sum::<u64>()
    }
}

/// Counts the sealed values per key id, changing nothing.
pub async fn status(db: &DatabaseConnection, keys: &Keys) -> Result<Report, DbErr> {
    scan(db, keys, false).await
}

/// Seals every value again under the current key, in one transaction.
pub async fn reseal(db: &DatabaseConnection, keys: &Keys) -> Result<Report, DbErr> {
    let tx = crate::db::begin_write(db).await?;
    let report = scan(&tx, keys, true).await?;
    tx.commit().await?;
    Ok(report)
}

async fn scan<C: ConnectionTrait>(db: &C, keys: &Keys, write: bool) -> Result<Report, DbErr> {
    let current = secrets::key_id(&keys.at_rest);
    let mut report = Report {
        current: current.clone(),
        ..Default::default()
    };
    for place in PLACES {
        let mut tally = Tally::default();
        for (pk, kid, sealed) in rows(db, place).await? {
            *tally.by_key.entry(kid.clone()).or_default() += 1;
            if kid == current {
                continue;
            }
            let Ok(plain) = secrets::open(keys, &kid, &sealed) else {
                tally.unopenable += 1;
                continue;
            };
            if write {
                let (new_kid, new_sealed) = secrets::seal(keys, &plain);
                if store(db, place, pk, (&kid, &sealed), (&new_kid, &new_sealed)).await? {
                    tally.resealed += 1;
                }
            }
        }
        let name = format!("{}.{}", place.table, place.sealed);
        report.places.insert(name, tally);
    }
    Ok(report)
}

/// The key id a row without one is counted under: a value nobody can say what sealed it.
pub const NO_KEY_ID: &str = "(no key id)";

/// Every sealed value of a place: (row key, key id, sealed text).
async fn rows<C: ConnectionTrait>(db: &C, place: &Place) -> Result<Vec<(i64, String, String)>, DbErr> {
    let mut q = Query::select();
    q.from(Alias::new(place.table))
        .column(Alias::new(place.pk))
        .column(Alias::new(place.sealed))
        .and_where(Expr::col(Alias::new(place.sealed)).is_not_null());
    if let Some(kid) = place.kid {
        q.column(Alias::new(kid));
    }
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        let pk: i64 = row.try_get("", place.pk)?;
        let value: String = row.try_get("", place.sealed)?;
        let (kid, sealed) = match place.kid {
            Some(col) => (
                row.try_get::<Option<String>>("", col)?
                    .unwrap_or_else(|| NO_KEY_ID.to_string()),
                value,
            ),
            // A stored API reply is `kid:sealed`; an empty one belongs to a request still running.
            None => match value.split_once(':') {
                Some((k, s)) => (k.to_string(), s.to_string()),
                None => continue,
            },
        };
        out.push((pk, kid, sealed));
    }
    Ok(out)
}

/// Writes the new sealing only if the row still holds what was read (a value a running server
/// changed in the meantime is newer, and stays). Whether it wrote.
async fn store<C: ConnectionTrait>(
    db: &C,
    place: &Place,
    pk: i64,
    (old_kid, old_sealed): (&str, &str),
    (kid, sealed): (&str, &str),
) -> Result<bool, DbErr> {
    let mut q = Query::update();
    q.table(Alias::new(place.table))
        .and_where(Expr::col(Alias::new(place.pk)).eq(pk));
    match place.kid {
        Some(col) => {
            q.value(Alias::new(col), Value::from(kid))
                .value(Alias::new(place.sealed), Value::from(sealed))
                .and_where(Expr::col(Alias::new(col)).eq(old_kid))
                .and_where(Expr::col(Alias::new(place.sealed)).eq(old_sealed));
        }
        None => {
            q.value(Alias::new(place.sealed), Value::from(format!("{kid}:{sealed}")))
                .and_where(Expr::col(Alias::new(place.sealed)).eq(format!("{old_kid}:{old_sealed}")));
        }
    }
    Ok(db.execute(&q).await?.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_current_counts_only_other_keys() {
        let mut r = Report {
            current: "kaaaa".into(),
            ..Default::default()
        };
        let mut t = Tally::default();
        t.by_key.insert("kaaaa".into(), 3);
        t.by_key.insert("kbbbb".into(), 2);
        r.places.insert("x.y".into(), t);
        assert_eq!(r.not_current(), 2);
    }
}
