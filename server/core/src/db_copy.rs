//! `settle copy-db`: moves a SQLite installation (stopped, or a `settle backup` snapshot) to an
//! empty Postgres database. Both are migrated to the same version first; then every table is
//! copied in foreign-key order inside one Postgres transaction, its id sequence set past the
//! copied ids, and each table verified by its row count and an order-independent checksum over
//! every value read back, before anything is committed. A mismatch writes nothing.
use crate::db;
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, QueryResult, Statement,
    TransactionTrait, Value,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Rows read from the source, and read back from the target, at a time.
const PAGE: u64 = 5_000;
/// Rows at a time of a table with binary columns (files).
const BYTES_PAGE: u64 = 20;
/// Bound values per INSERT (Postgres allows 65,535).
const PARAMS: usize = 30_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int8,
    Int4,
    Text,
    Bool,
    Date,
    Timestamp,
    Bytes,
}

struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    /// The primary key when it is one column (read back in its order), else none (by offset).
    key: Option<String>,
    serial_id: bool,
}

/// What was copied and verified.
#[derive(Clone, Debug)]
pub struct Copied {
    pub table: String,
    pub rows: u64,
    pub checksum: String,
}

fn kind(data_type: &str) -> anyhow::Result<Kind> {
    Ok(match data_type {
        "bigint" => Kind::Int8,
        "integer" | "smallint" => Kind::Int4,
        "text" | "character varying" | "character" => Kind::Text,
        "boolean" => Kind::Bool,
        "date" => Kind::Date,
        "timestamp with time zone" => Kind::Timestamp,
        "bytea" => Kind::Bytes,
        other => bail!("a column of type {other} cannot be copied yet"),
    })
}

async fn rows(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> anyhow::Result<Vec<QueryResult>> {
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .await?)
}

/// The target's tables in an order where every table comes after those it refers to.
async fn tables(pg: &DatabaseTransaction) -> anyhow::Result<Vec<Table>> {
    let mut columns: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for r in rows(
        pg,
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d FROM information_schema.columns \
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
        vec![],
    )
    .await?
    {
        let (t, c, d): (String, String, String) = (r.try_get("", "t")?, r.try_get("", "c")?, r.try_get("", "d")?);
        if t != "seaql_migrations" {
            columns.entry(t).or_default().push((c, kind(&d)?));
        }
    }
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows(
        pg,
        "SELECT tc.table_name::text AS t, k.column_name::text AS c FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name \
         AND k.table_schema = tc.table_schema WHERE tc.constraint_type = 'PRIMARY KEY' \
         AND tc.table_schema = current_schema() ORDER BY k.ordinal_position",
        vec![],
    )
    .await?
    {
        keys.entry(r.try_get("", "t")?).or_default().push(r.try_get("", "c")?);
    }
    let mut refers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows(
        pg,
        "SELECT conrelid::regclass::text AS t, confrelid::regclass::text AS p FROM pg_constraint \
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
        vec![],
    )
    .await?
    {
        let (t, p): (String, String) = (r.try_get("", "t")?, r.try_get("", "p")?);
        if t != p {
            refers.entry(unquote(&t)).or_default().insert(unquote(&p));
        }
    }
    let mut ordered = Vec::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    while done.len() < columns.len() {
        let ready: Vec<String> = columns
            .keys()
            .filter(|t| !done.contains(*t))
            .filter(|t| {
                refers
                    .get(*t)
                    .is_none_or(|ps| ps.iter().all(|p| done.contains(p) || !columns.contains_key(p)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            bail!("the tables refer to each other in a circle");
        }
        for t in ready {
            done.insert(t.clone());
            let cols = columns.get(&t).cloned().unwrap_or_default();
            let key = keys.get(&t).filter(|k| k.len() == 1).map(|k| k[0].clone());
            let serial_id = key.as_deref() == Some("id") && cols.iter().any(|(c, k)| c == "id" && *k == Kind::Int8);
            ordered.push(Table {
                name: t,
                columns: cols,
                key,
                serial_id,
            });
        }
    }
    Ok(ordered)
}

fn unquote(s: &str) -> String {
    s.trim_matches('"').to_string()
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}

/// One value as both databases hold it: what is inserted, and what the checksum reads.
fn value(r: &QueryResult, col: &str, k: Kind) -> anyhow::Result<Value> {
    let ctx = || format!("column {col}");
    Ok(match k {
        Kind::Int8 => r.try_get::<Option<i64>>("", col).with_context(ctx)?.into(),
        Kind::Int4 => r.try_get::<Option<i32>>("", col).with_context(ctx)?.into(),
        Kind::Text => r.try_get::<Option<String>>("", col).with_context(ctx)?.into(),
        Kind::Bool => r.try_get::<Option<bool>>("", col).with_context(ctx)?.into(),
        Kind::Date => r.try_get::<Option<NaiveDate>>("", col).with_context(ctx)?.into(),
        // Postgres keeps microseconds.
        Kind::Timestamp => r
            .try_get::<Option<DateTime<Utc>>>("", col)
            .with_context(ctx)?
            .map(micros)
            .into(),
        Kind::Bytes => r.try_get::<Option<Vec<u8>>>("", col).with_context(ctx)?.into(),
    })
}

/// Adds a row to an order-independent checksum: the wrapping sum of its values' SHA-256.
fn add(sum: &mut u128, row: &[Value]) {
    let mut h = Sha256::new();
    for v in row {
        // The value's debug form names its type and content; NULLs are typed too.
        h.update(format!("{v:?}").as_bytes());
        h.update([0x1f]);
    }
    let digest = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    *sum = sum.wrapping_add(u128::from_be_bytes(first));
}

async fn insert(pg: &DatabaseTransaction, t: &Table, batch: Vec<Vec<Value>>) -> anyhow::Result<()> {
    let names: Vec<String> = t.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let per = (PARAMS / t.columns.len().max(1)).max(1);
    let mut it = batch.into_iter().peekable();
    while it.peek().is_some() {
        let mut values = Vec::new();
        let mut tuples = Vec::new();
        for row in it.by_ref().take(per) {
            let marks: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, _)| format!("${}", values.len() + i + 1))
                .collect();
            values.extend(row);
            tuples.push(format!("({})", marks.join(",")));
        }
        let sql = format!(
            "INSERT INTO \"{}\" ({}) VALUES {}",
            t.name,
            names.join(","),
            tuples.join(",")
        );
        pg.execute_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values))
            .await?;
    }
    Ok(())
}

async fn copy_table(sqlite: &DatabaseTransaction, pg: &DatabaseTransaction, t: &Table) -> anyhow::Result<Copied> {
    let cols: Vec<String> = t.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let list = cols.join(", ");
    // Tables with files (invoice PDFs, letters: up to a few MB a row) go a few rows at a time.
    let page = if t.columns.iter().any(|(_, k)| *k == Kind::Bytes) {
        BYTES_PAGE
    } else {
        PAGE
    };
    let (mut last, mut count, mut sum) = (i64::MIN, 0u64, 0u128);
    loop {
        let page = rows(
            sqlite,
            &format!(
                "SELECT rowid AS settle_rowid, {list} FROM \"{}\" WHERE rowid > ? ORDER BY rowid LIMIT {page}",
                t.name
            ),
            vec![last.into()],
        )
        .await?;
        let Some(end) = page.last() else { break };
        last = end.try_get("", "settle_rowid")?;
        let mut batch = Vec::with_capacity(page.len());
        for r in &page {
            let row = t
                .columns
                .iter()
                .map(|(c, k)| value(r, c, *k))
                .collect::<anyhow::Result<Vec<Value>>>()
                .with_context(|| format!("table {}", t.name))?;
            add(&mut sum, &row);
            batch.push(row);
        }
        count += batch.len() as u64;
        insert(pg, t, batch)
            .await
            .with_context(|| format!("table {}", t.name))?;
    }
    if t.serial_id {
        pg.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('\"{0}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{0}\"), 0) + 1, false)",
            t.name
        ))
        .await?;
    }
    // Read back what Postgres now holds and compare.
    let (mut back, mut back_sum, mut offset) = (0u64, 0u128, 0u64);
    let mut after: Option<Value> = None;
    loop {
        let page = match &t.key {
            Some(key) => {
                let (filter, values) = match &after {
                    Some(v) => (format!("WHERE \"{key}\" > $1"), vec![v.clone()]),
                    None => (String::new(), vec![]),
                };
                rows(
                    pg,
                    &format!(
                        "SELECT {list} FROM \"{}\" {filter} ORDER BY \"{key}\" LIMIT {page}",
                        t.name
                    ),
                    values,
                )
                .await?
            }
            None => {
                // Ordered by every column: unique, as the (composite) primary key is among them.
                let all: Vec<String> = (1..=t.columns.len()).map(|i| i.to_string()).collect();
                rows(
                    pg,
                    &format!(
                        "SELECT {list} FROM \"{}\" ORDER BY {} LIMIT {page} OFFSET {offset}",
                        t.name,
                        all.join(", ")
                    ),
                    vec![],
                )
                .await?
            }
        };
        if page.is_empty() {
            break;
        }
        offset += page.len() as u64;
        for r in &page {
            let row = t
                .columns
                .iter()
                .map(|(c, k)| value(r, c, *k))
                .collect::<anyhow::Result<Vec<Value>>>()?;
            add(&mut back_sum, &row);
            back += 1;
            if let Some(key) = &t.key {
                if let Some(i) = t.columns.iter().position(|(c, _)| c == key) {
                    after = Some(row[i].clone());
                }
            }
        }
    }
    if back != count || back_sum != sum {
        bail!(
            "table {}: {count} rows read, {back} rows in Postgres; checksums {} and {}",
            t.name,
            hex::encode(sum.to_be_bytes()),
            hex::encode(back_sum.to_be_bytes())
        );
    }
    Ok(Copied {
        table: t.name.clone(),
        rows: count,
        checksum: hex::encode(sum.to_be_bytes()),
    })
}

/// Copies `from` (SQLite) into `to` (an empty Postgres database); every table verified.
pub async fn copy(from: &DatabaseConnection, to: &DatabaseConnection) -> anyhow::Result<Vec<Copied>> {
    if from.get_database_backend() != DatabaseBackend::Sqlite || to.get_database_backend() != DatabaseBackend::Postgres
    {
        bail!("copy-db copies a SQLite database (--from sqlite://...) to Postgres (--to postgres://...)");
    }
    db::migrate(from).await.context("migrating the SQLite database")?;
    db::migrate(to).await.context("migrating the Postgres database")?;
    let tx = to.begin().await?;
    let tenants = rows(&tx, "SELECT COUNT(*) AS n FROM tenants", vec![]).await?;
    let n: i64 = tenants.first().map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    if n > 0 {
        bail!("the Postgres database is not empty (it has tenants); copy into a new database");
    }
    // One read transaction on one connection: a consistent snapshot even if the SQLite
    // database is in use.
    let source = from.begin().await?;
    let mut out = Vec::new();
    for t in tables(&tx).await? {
        out.push(copy_table(&source, &tx, &t).await?);
    }
    source.rollback().await?;
    tx.commit().await?;
    Ok(out)
}
