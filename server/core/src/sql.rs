//! Portable bulk SQL that sea-orm's builder does not offer, for the statement import's batches.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};

pub mod prebuilt;

/// Bound values per bulk statement. Far below both databases' limits, and small enough that
/// a statement's buffers are reused by the allocator instead of being fresh, zeroed pages
/// from the OS each time (several MB per statement cost more than the extra round trips).
const PARAMS: usize = 30_000;

/// These helpers run inside a transaction that rolls back as a whole when a statement fails.
/// On SQLite, `OR FAIL` lets a failing statement leave its earlier rows to that rollback
/// instead of undoing them itself, which spares SQLite a statement journal: a copy of every
/// page a bulk statement touches. (Foreign keys still abort a statement unless the transaction
/// defers them, see `defer_foreign_keys`.)
fn or_fail(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Sqlite => " OR FAIL",
        _ => "",
    }
}

/// SQLite: checks foreign keys at commit instead of after each statement, for the rest of the
/// transaction, so bulk statements need no statement journal (see `or_fail`). A violation
/// still fails the commit. Postgres: nothing to do.
pub async fn defer_foreign_keys<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        db.execute_unprepared("PRAGMA defer_foreign_keys = ON").await?;
    }
    Ok(())
}

pub mod chunked_in {
    /// Ids per `IN (...)` list: far below SQLite's 32,766 bound variables and Postgres' 65,535.
    pub const MAX: usize = 5_000;
}

/// What [`update_from_values`] writes: `table`'s `columns` (with their Postgres types) by its
/// key column, optionally stamping `updated_at`, optionally only where a column moves forward.
pub struct ValuesUpdate<'a> {
    pub table: &'a str,
    /// The key column and its Postgres type.
    pub key: (&'a str, &'a str),
    /// The columns set from each row, after the key, with their Postgres types.
    pub columns: &'a [(&'a str, &'a str)],
    /// Sets `updated_at` to this on every row written.
    pub updated_at: Option<DateTime<Utc>>,
    /// Writes a row only where this column's stored value is below the new one: concurrent
    /// writers never move it back.
    pub only_forward: Option<&'a str>,
}

/// `UPDATE table SET c1 = v.column2, ... FROM (VALUES (key, ...), ...) AS v WHERE table.key =
/// v.column1`: one statement per chunk instead of one per row. Both SQLite (3.33+) and
/// Postgres name the columns of a VALUES list column1, column2, ...
pub async fn update_from_values<C: ConnectionTrait>(
    db: &C,
    spec: &ValuesUpdate<'_>,
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let table = spec.table;
    let per_row = spec.columns.len() + 1;
    let chunk = (PARAMS / per_row).max(1);
    let forward = match spec.only_forward {
        Some(c) => {
            let i = spec
                .columns
                .iter()
                .position(|(name, _)| *name == c)
                .ok_or_else(|| DbErr::Custom(format!("only_forward: {c} is not among the columns")))?;
            format!(" AND {table}.{c} < v.column{}", i + 2)
        }
        None => String::new(),
    };
    for part in rows.chunks(chunk) {
        let mut values: Vec<Value> = Vec::with_capacity(part.len() * per_row + 1);
        let mut n = 0usize;
        let mut ph = |backend: DatabaseBackend| {
            n += 1;
            match backend {
                DatabaseBackend::Postgres => format!("${n}"),
                _ => "?".to_string(),
            }
        };
        let mut set: Vec<String> = spec
            .columns
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = v.column{}", i + 2))
            .collect();
        if let Some(at) = spec.updated_at {
            set.push(format!("updated_at = {}", ph(backend)));
            values.push(at.into());
        }
        let mut tuples = Vec::with_capacity(part.len());
        for (r, row) in part.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    let p = ph(backend);
                    // Postgres types the first VALUES row from its parameters; cast it once.
                    match (backend, r, i) {
                        (DatabaseBackend::Postgres, 0, 0) => format!("{p}::{}", spec.key.1),
                        (DatabaseBackend::Postgres, 0, i) => format!("{p}::{}", spec.columns[i - 1].1),
                        _ => p,
                    }
                })
                .collect();
            tuples.push(format!("({})", cells.join(", ")));
            values.extend(row.iter().cloned());
        }
        let sql = format!(
            "UPDATE{} {table} SET {} FROM (VALUES {}) AS v WHERE {table}.{} = v.column1{forward}",
            or_fail(backend),
            set.join(", "),
            tuples.join(", "),
            spec.key.0,
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// A multi-row `INSERT` written directly, for batches of thousands of rows: sea-orm's builder
/// costs more than the database here. `constants` are columns with one value for every row,
/// bound once: `WITH v AS (VALUES (?, ...), ...) INSERT ... SELECT v.column1, ..., ?k FROM v`.
/// The constants are numbered after the rows' anonymous parameters (SQLite numbers parameters
/// in the order it reads them, and finds a numbered one by a linear search, so only a few may
/// be numbered). With `returning`, yields the named columns of each row (`RETURNING` works on
/// SQLite 3.35+ and Postgres).
pub async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    constants: &[(&str, Value)],
    rows: Vec<Vec<Value>>,
    returning: Option<&str>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    insert_rows_with(db, table, columns, constants, rows, returning, false).await
}

/// [`insert_rows`] that skips rows a unique index already holds: what makes a retried or
/// concurrent batch idempotent.
pub async fn insert_rows_skipping_duplicates<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    constants: &[(&str, Value)],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    insert_rows_with(db, table, columns, constants, rows, None, true)
        .await
        .map(|_| ())
}

async fn insert_rows_with<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    constants: &[(&str, Value)],
    rows: Vec<Vec<Value>>,
    returning: Option<&str>,
    skip_duplicates: bool,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    use std::fmt::Write;
    let backend = db.get_database_backend();
    let postgres = backend == DatabaseBackend::Postgres;
    let chunk = (PARAMS / columns.len().max(1)).max(1);
    let mut out = Vec::new();
    let names: Vec<&str> = columns
        .iter()
        .copied()
        .chain(constants.iter().map(|(c, _)| *c))
        .collect();
    let picks: Vec<String> = (1..=columns.len()).map(|i| format!("v.column{i}")).collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = String::with_capacity(64 + chunk * columns.len() * 7);
        sql.push_str("WITH v AS (VALUES ");
        let mut values: Vec<Value> = Vec::with_capacity(constants.len() + chunk * columns.len());
        for (i, row) in rows.by_ref().take(chunk).enumerate() {
            sql.push_str(if i > 0 { ",(" } else { "(" });
            for (j, v) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push(',');
                }
                values.push(v);
                if postgres {
                    let _ = write!(sql, "${}", values.len());
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        let _ = write!(
            sql,
            ") INSERT{} INTO {table} ({}) SELECT {}",
            match (skip_duplicates, postgres) {
                (true, false) => " OR IGNORE",
                _ => or_fail(backend),
            },
            names.join(", "),
            picks.join(", ")
        );
        for (_, v) in constants {
            values.push(v.clone());
            let mark = if postgres { '$' } else { '?' };
            let _ = write!(sql, ", {mark}{}", values.len());
        }
        sql.push_str(" FROM v");
        if skip_duplicates && postgres {
            sql.push_str(" ON CONFLICT DO NOTHING");
        }
        if let Some(cols) = returning {
            sql.push_str(" RETURNING ");
            sql.push_str(cols);
            out.extend(
                db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?,
            );
        } else {
            db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
        }
    }
    Ok(out)
}

/// `?` placeholders as Postgres' `$1, $2, ...`.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Every column of `E` as `{prefix}{column}`: several entities read from one joined row
/// (`Model::from_query_result(&row, prefix)` reads each back).
pub fn select_prefixed<E: sea_orm::EntityTrait>(q: &mut sea_orm::sea_query::SelectStatement, prefix: &str) {
    use sea_orm::Iterable;
    select_columns_prefixed::<E>(q, prefix, E::Column::iter());
}

/// Only `columns` of `E`, each as `{prefix}{column}`: a busy page reads what it uses (every
/// column is a copy and a conversion on every view; an invoice's PDF, every page of the blob).
pub fn select_columns_prefixed<E: sea_orm::EntityTrait>(
    q: &mut sea_orm::sea_query::SelectStatement,
    prefix: &str,
    columns: impl IntoIterator<Item = E::Column>,
) {
    use sea_orm::sea_query::{Alias, Expr};
    use sea_orm::IdenStatic;
    for c in columns {
        q.expr_as(
            Expr::col((E::default(), c)),
            Alias::new(format!("{prefix}{}", c.as_str())),
        );
    }
}
