//! Bulk import of customers or invoices: CSV (UTF-8, `;` or `,`, a header row naming the
//! columns, amounts as decimals with `.`, dates ISO 8601) or JSON Lines (one object a line, as
//! the API's PUT bodies with the number added). Read as a stream, each row checked and upserted
//! as the API does it; every rejected row is reported with its line number and why. With
//! `all_or_nothing`, one rejected row writes nothing, and the whole file is one transaction;
//! without it, rows are committed every 20,000 rows (running a file again is safe: rows are
//! upserted by number).
use super::customers::{self, Address, CustomerInput};
use super::invoice_batch::{self, Pending};
use super::invoices::{self, InvoiceInput, Line};
use crate::error::{ServiceError, ServiceResult};
use crate::tenant::TenantCtx;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::BufRead;
use utoipa::ToSchema;

/// Rejected rows listed in a report at most; the count goes on.
pub const MAX_LISTED: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Customers,
    Invoices,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "customers" => Some(Kind::Customers),
            "invoices" => Some(Kind::Invoices),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Rejected {
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// Field -> code, as the API's field errors.
    pub errors: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Report {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected_count: u64,
    /// The first 1,000 rejected rows.
    pub rejected: Vec<Rejected>,
    /// With `all_or_nothing` and a rejected row: nothing was written.
    pub written: bool,
}

impl Report {
    /// Rows are refused out of order (a batch is checked when it is written), so the earliest
    /// lines are kept: the list is cut back to the first 1,000 whenever it doubles.
    fn reject(&mut self, line: u64, errors: BTreeMap<String, String>) {
        self.rejected_count += 1;
        self.rejected.push(Rejected { line, errors });
        if self.rejected.len() >= 2 * MAX_LISTED {
            self.cut();
        }
    }

    fn cut(&mut self) {
        self.rejected.sort_by_key(|r| r.line);
        self.rejected.truncate(MAX_LISTED);
    }
}

/// A customer row of a CSV file; `tags` separated by `|`.
#[derive(Deserialize)]
struct CustomerCsv {
    customer_number: String,
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    tags: String,
}

/// An invoice row of a CSV file: one line per invoice (its description is the line's).
#[derive(Deserialize)]
struct InvoiceCsv {
    number: String,
    customer_number: String,
    issue_date: String,
    due_date: String,
    amount: String,
    description: String,
}

#[derive(Deserialize)]
struct CustomerJson {
    customer_number: String,
    #[serde(flatten)]
    input: CustomerInput,
}

#[derive(Deserialize)]
struct InvoiceJson {
    number: String,
    #[serde(flatten)]
    input: InvoiceInput,
}

fn some(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn date(field: &str, s: &str, errors: &mut BTreeMap<String, String>) -> NaiveDate {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
        errors.insert(field.into(), "date_invalid".into());
        NaiveDate::MIN
    })
}

/// One row, ready to upsert: (number, what the API's PUT would get).
enum Row {
    Customer(String, CustomerInput),
    Invoice(String, InvoiceInput),
}

fn from_csv(
    kind: Kind,
    record: &csv::StringRecord,
    headers: &csv::StringRecord,
) -> Result<Row, BTreeMap<String, String>> {
    let malformed = |e: csv::Error| BTreeMap::from([("row".to_string(), format!("malformed: {e}"))]);
    match kind {
        Kind::Customers => {
            let c: CustomerCsv = record.deserialize(Some(headers)).map_err(malformed)?;
            let tags = c
                .tags
                .split('|')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect();
            Ok(Row::Customer(
                c.customer_number,
                CustomerInput {
                    name: c.name,
                    email: some(c.email),
                    phone: some(c.phone),
                    address: Address {
                        street: c.street,
                        postcode: c.postcode,
                        city: c.city,
                        country: c.country,
                    },
                    language: some(c.language),
                    tags,
                },
            ))
        }
        Kind::Invoices => {
            let i: InvoiceCsv = record.deserialize(Some(headers)).map_err(malformed)?;
            let mut errors = BTreeMap::new();
            let issue_date = date("issue_date", &i.issue_date, &mut errors);
            let due_date = date("due_date", &i.due_date, &mut errors);
            if !errors.is_empty() {
                return Err(errors);
            }
            Ok(Row::Invoice(
                i.number,
                InvoiceInput {
                    customer_number: i.customer_number,
                    issue_date,
                    due_date,
                    currency: "EUR".into(),
                    description: i.description.clone(),
                    lines: vec![Line {
                        description: i.description,
                        amount: i.amount,
                    }],
                    pdf_base64: None,
                },
            ))
        }
    }
}

fn from_json(kind: Kind, line: &str) -> Result<Row, BTreeMap<String, String>> {
    let malformed = |e: serde_json::Error| BTreeMap::from([("row".to_string(), format!("malformed: {e}"))]);
    match kind {
        Kind::Customers => {
            let c: CustomerJson = serde_json::from_str(line).map_err(malformed)?;
            Ok(Row::Customer(c.customer_number, c.input))
        }
        Kind::Invoices => {
            let i: InvoiceJson = serde_json::from_str(line).map_err(malformed)?;
            Ok(Row::Invoice(i.number, i.input))
        }
    }
}

/// Rows read before they are written together.
const BATCH: usize = 2_000;
/// Without `all_or_nothing`, written rows are committed every this many rows, so a long import
/// holds neither one huge transaction nor the database's write lock for minutes.
const COMMIT_EVERY: u64 = 20_000;

/// Upserts one row inside the import's transaction (a savepoint of its own), counting it.
async fn upsert(
    tx: &DatabaseTransaction,
    tenant: &TenantCtx,
    actor: &str,
    now: DateTime<Utc>,
    row: Row,
    line: u64,
    report: &mut Report,
) -> ServiceResult<()> {
    let result = match &row {
        Row::Customer(n, input) => customers::upsert(tx, tenant, actor, n, input, now)
            .await
            .map(|(_, c)| c),
        Row::Invoice(n, input) => invoices::upsert(tx, tenant, actor, n, input, now).await.map(|(_, c)| c),
    };
    match result {
        Ok(true) => report.created += 1,
        Ok(false) => report.updated += 1,
        Err(ServiceError::Invalid(errors)) => report.reject(line, errors),
        Err(ServiceError::Conflict(code)) => report.reject(line, BTreeMap::from([("row".into(), code.into())])),
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Writes a batch of rows: new invoices together, the rest one by one.
async fn flush(
    tx: &DatabaseTransaction,
    tenant: &TenantCtx,
    actor: &str,
    now: DateTime<Utc>,
    batch: &mut Vec<(u64, Row)>,
    report: &mut Report,
) -> ServiceResult<()> {
    let mut single = Vec::new();
    let mut invoices = Vec::new();
    for (line, row) in batch.drain(..) {
        match row {
            Row::Invoice(number, input) => invoices.push(Pending { line, number, input }),
            row => single.push((line, row)),
        }
    }
    if !invoices.is_empty() {
        let outcome = invoice_batch::create_new(tx, tenant, actor, invoices, now).await?;
        report.created += outcome.created;
        for (line, errors) in outcome.rejected {
            report.reject(line, errors);
        }
        single.extend(
            outcome
                .rest
                .into_iter()
                .map(|p| (p.line, Row::Invoice(p.number, p.input))),
        );
    }
    for (line, row) in single {
        upsert(tx, tenant, actor, now, row, line, report).await?;
    }
    Ok(())
}

/// The import's transaction and what it has written since its last commit.
struct Writer<'a> {
    db: &'a DatabaseConnection,
    /// Always there between calls; None only while one batch commits and the next begins.
    tx: Option<DatabaseTransaction>,
    uncommitted: u64,
    all_or_nothing: bool,
}

impl Writer<'_> {
    async fn begin(db: &DatabaseConnection) -> ServiceResult<DatabaseTransaction> {
        let tx = crate::db::begin_write(db).await?;
        if tx.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            // 64 MB of pages instead of 2: the invoices' indexes stay in memory instead of
            // being read back from the file for every batch.
            tx.execute_unprepared("PRAGMA cache_size = -65536").await?;
        }
        crate::sql::defer_foreign_keys(&tx).await?;
        Ok(tx)
    }

    async fn write(
        &mut self,
        tenant: &TenantCtx,
        actor: &str,
        now: DateTime<Utc>,
        mut batch: Vec<(u64, Row)>,
        report: &mut Report,
    ) -> ServiceResult<()> {
        self.uncommitted += batch.len() as u64;
        flush(self.tx()?, tenant, actor, now, &mut batch, report).await?;
        if !self.all_or_nothing && self.uncommitted >= COMMIT_EVERY {
            // Committed before the next one begins: that one takes the write lock at once
            // (`BEGIN IMMEDIATE` on SQLite), so it would wait for this one for ever.
            let done = self.take()?;
            release(&done).await?;
            done.commit().await?;
            self.tx = Some(Self::begin(self.db).await?);
            self.uncommitted = 0;
        }
        Ok(())
    }

    fn tx(&self) -> ServiceResult<&DatabaseTransaction> {
        self.tx.as_ref().ok_or_else(gone)
    }

    fn take(&mut self) -> ServiceResult<DatabaseTransaction> {
        self.tx.take().ok_or_else(gone)
    }
}

fn gone() -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("the import's transaction ended early"))
}

/// Gives the pooled SQLite connection its usual page cache back (the setting outlives the
/// transaction).
async fn release(tx: &DatabaseTransaction) -> ServiceResult<()> {
    if tx.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        tx.execute_unprepared("PRAGMA cache_size = -2000").await?;
    }
    Ok(())
}

fn unreadable(e: std::io::Error) -> ServiceError {
    ServiceError::invalid("file", &format!("unreadable: {e}"))
}

/// What the parser hands over: rows to write and rows it already refused, in file order.
#[derive(Default)]
struct Chunk {
    rows: Vec<(u64, Row)>,
    refused: Vec<(u64, BTreeMap<String, String>)>,
    read: u64,
    /// The rows' PDFs (base64), so that a file of big PDFs goes in smaller batches.
    pdf_bytes: usize,
}

/// PDF bytes (base64) a batch holds at most; one invoice's PDF may be 5 MB.
const BATCH_PDF_BYTES: usize = 64 * 1024 * 1024;

impl Chunk {
    fn push(&mut self, line: u64, row: Row) {
        if let Row::Invoice(_, input) = &row {
            self.pdf_bytes += input.pdf_base64.as_ref().map_or(0, String::len);
        }
        self.rows.push((line, row));
    }
}

/// Sends a chunk once it holds a batch; `Err` when the import stopped listening.
fn hand_over(chunk: &mut Chunk, sender: &tokio::sync::mpsc::Sender<ServiceResult<Chunk>>, all: bool) -> Result<(), ()> {
    if all || chunk.rows.len() >= BATCH || chunk.refused.len() >= BATCH || chunk.pdf_bytes >= BATCH_PDF_BYTES {
        sender.blocking_send(Ok(std::mem::take(chunk))).map_err(|_| ())?;
    }
    Ok(())
}

/// Reads a file exactly as an import does, without a database: (rows read, rows refused). For
/// the fuzz targets: whatever the bytes, an answer and never a panic.
pub fn read_only<R: BufRead>(kind: Kind, reader: R) -> ServiceResult<(u64, usize)> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<ServiceResult<Chunk>>(2);
    std::thread::scope(|scope| {
        let drain = scope.spawn(move || {
            let (mut read, mut refused) = (0u64, 0usize);
            while let Some(chunk) = receiver.blocking_recv() {
                let chunk = chunk?;
                read += chunk.read;
                refused += chunk.refused.len();
            }
            Ok((read, refused))
        });
        let parsed = parse(kind, reader, &sender);
        drop(sender);
        let counted = drain
            .join()
            .unwrap_or_else(|_| Err(ServiceError::Internal(anyhow::anyhow!("import reader panicked"))));
        parsed.and(counted)
    })
}

/// Reads the file and turns its lines into rows, a batch at a time.
fn parse<R: BufRead>(
    kind: Kind,
    mut reader: R,
    sender: &tokio::sync::mpsc::Sender<ServiceResult<Chunk>>,
) -> ServiceResult<()> {
    let stopped = |()| ServiceError::Conflict("import_stopped");
    let json = {
        let head = reader.fill_buf().map_err(unreadable)?;
        head.iter()
            .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
            == Some(&b'{')
    };
    let mut chunk = Chunk::default();
    if json {
        let mut buf = String::new();
        let mut line = 0u64;
        loop {
            buf.clear();
            if reader.read_line(&mut buf).map_err(unreadable)? == 0 {
                break;
            }
            line += 1;
            let text = buf.trim().trim_start_matches('\u{feff}');
            if text.is_empty() {
                continue;
            }
            chunk.read += 1;
            match from_json(kind, text) {
                Ok(row) => chunk.push(line, row),
                Err(errors) => chunk.refused.push((line, errors)),
            }
            hand_over(&mut chunk, sender, false).map_err(stopped)?;
        }
    } else {
        let first = reader.fill_buf().map_err(unreadable)?;
        let header_line = first.split(|b| *b == b'\n').next().unwrap_or_default();
        let delimiter = if header_line.contains(&b';') { b';' } else { b',' };
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(reader);
        let headers = csv
            .headers()
            .map_err(|e| ServiceError::invalid("file", &format!("no header row: {e}")))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect::<csv::StringRecord>();
        let mut record = csv::StringRecord::new();
        loop {
            let more = csv.read_record(&mut record);
            let line = record.position().map_or(0, |p| p.line());
            match more {
                Ok(false) => break,
                Ok(true) => match from_csv(kind, &record, &headers) {
                    Ok(row) => chunk.push(line, row),
                    Err(errors) => chunk.refused.push((line, errors)),
                },
                Err(e) => chunk
                    .refused
                    .push((line, BTreeMap::from([("row".to_string(), format!("malformed: {e}"))]))),
            }
            chunk.read += 1;
            hand_over(&mut chunk, sender, false).map_err(stopped)?;
        }
    }
    hand_over(&mut chunk, sender, true).map_err(stopped)
}

/// Reads `reader` (CSV, or JSON Lines when the first character is `{`) and upserts every good
/// row. The file is parsed on a thread of its own beside the database work, two batches ahead
/// at most (so memory stays bounded whatever the file's size). New invoices are written a
/// batch at a time; everything else row by row, as the API would.
pub async fn run<R: BufRead + Send + 'static>(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    actor: &str,
    kind: Kind,
    reader: R,
    all_or_nothing: bool,
    now: DateTime<Utc>,
) -> ServiceResult<Report> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<ServiceResult<Chunk>>(2);
    let parser = tokio::task::spawn_blocking(move || {
        if let Err(e) = parse(kind, reader, &sender) {
            // Nobody listens any more when the database side failed first.
            let _ = sender.blocking_send(Err(e));
        }
    });
    let mut w = Writer {
        db,
        tx: Some(Writer::begin(db).await?),
        uncommitted: 0,
        all_or_nothing,
    };
    let mut report = Report::default();
    // On an error the receiver drops, which stops the parser at its next hand-over; the
    // transaction rolls back when dropped.
    while let Some(chunk) = receiver.recv().await {
        let chunk = chunk?;
        report.rows += chunk.read;
        for (line, errors) in chunk.refused {
            report.reject(line, errors);
        }
        w.write(tenant, actor, now, chunk.rows, &mut report).await?;
    }
    parser.await.map_err(|e| ServiceError::Internal(e.into()))?;
    let tx = w.take()?;
    report.cut();
    release(&tx).await?;
    if all_or_nothing && report.rejected_count > 0 {
        tx.rollback().await?;
        report.created = 0;
        report.updated = 0;
        report.written = false;
    } else {
        tx.commit().await?;
        report.written = true;
    }
    Ok(report)
}
