//! Portable bulk SQL that sea-orm's builder does not offer, for the statement import's batches.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};

pub mod chunked_in {
    /// Ids per `IN (...)` list: far below SQLite's 32,766 bound variables and Postgres' 65,535.
    pub const MAX: usize = 5_000;
}

/// `UPDATE table SET c1 = v.column2, ... , updated_at = ? FROM (VALUES (id, ...), ...) AS v
/// WHERE table.id = v.column1`: one statement per chunk instead of one per row. Both SQLite
/// (3.33+) and Postgres name the columns of a VALUES list column1, column2, ...
pub async fn update_from_values<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    pg_types: &[&str],
    rows: Vec<Vec<Value>>,
    updated_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let per_row = columns.len() + 1;
    let chunk = (30_000 / per_row).max(1);
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
        let set: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = v.column{}", i + 2))
            .collect();
        let stamp = ph(backend);
        values.push(updated_at.into());
        let mut tuples = Vec::with_capacity(part.len());
        for (r, row) in part.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    let p = ph(backend);
                    // Postgres types the first VALUES row from its parameters; cast it once.
                    match (backend, r, i) {
                        (DatabaseBackend::Postgres, 0, 0) => format!("{p}::bigint"),
                        (DatabaseBackend::Postgres, 0, i) => format!("{p}::{}", pg_types[i - 1]),
                        _ => p,
                    }
                })
                .collect();
            tuples.push(format!("({})", cells.join(", ")));
            values.extend(row.iter().cloned());
        }
        let sql = format!(
            "UPDATE {table} SET {}, updated_at = {stamp} FROM (VALUES {}) AS v WHERE {table}.id = v.column1",
            set.join(", "),
            tuples.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

fn push_placeholder(sql: &mut String, backend: DatabaseBackend, n: usize) {
    use std::fmt::Write;
    match backend {
        DatabaseBackend::Postgres => {
            let _ = write!(sql, "${n}");
        }
        _ => sql.push('?'),
    }
}

/// A multi-row `INSERT` written directly, for batches of thousands of rows: sea-orm's builder
/// costs more than the database here. With `returning`, yields the named columns of each row
/// (`RETURNING` works on SQLite 3.35+ and Postgres).
pub async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    returning: Option<&str>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    let backend = db.get_database_backend();
    let chunk = (30_000 / columns.len().max(1)).max(1);
    let mut out = Vec::new();
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = String::with_capacity(head.len() + chunk * columns.len() * 4);
        sql.push_str(&head);
        let mut values = Vec::with_capacity(chunk * columns.len());
        let mut n = 0;
        for (i, row) in rows.by_ref().take(chunk).enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for (j, v) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push(',');
                }
                n += 1;
                push_placeholder(&mut sql, backend, n);
                values.push(v);
            }
            sql.push(')');
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
