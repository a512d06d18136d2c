//! Bank statement import: streams a camt.053 / camt.054 / MT940 file, matches each incoming
//! transaction to invoices, books the batch and undoes returned payments, all in one transaction.
use crate::entities::{invoice, one_time_token, payment, statement_import};
use crate::error::ServiceError;
use crate::services::booking::{self, Incoming, Known, Outcome, Source, TakeBack};
use crate::services::{paylinks, references};
use crate::sql::chunked_in;
use crate::statements::{self, Format, StatementError, Transaction};
use crate::tokens;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde::Serialize;
use settle_domain::rf::RfReference;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};

/// Transactions per chunk: one `booking::book` call and a handful of IN queries each. Large
/// enough to amortise the round trips, small enough that two chunks in flight stay a few MB.
const CHUNK: usize = 5_000;

/// What an import did, in transactions (a batch entry counts once per transaction), except
/// `entries`, which counts the statement's entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub entries: u64,
    pub new: u64,
    pub matched: u64,
    pub partially_matched: u64,
    pub overpaid: u64,
    pub unmatched: u64,
    pub duplicates: u64,
    pub ignored: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not a valid statement; nothing was booked.
    #[error("{}", describe_statement_error(.error, .after_entry))]
    Statement { error: StatementError, after_entry: usize },
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("database error")]
    Db(#[from] DbErr),
    #[error("the statement reader stopped unexpectedly")]
    Reader,
}

/// Entry and line errors already say where; an XML or read error gets the last complete entry,
/// so the operator knows where in a 100 MB file to look.
fn describe_statement_error(error: &StatementError, after_entry: &usize) -> String {
    match error {
        StatementError::Xml(_) | StatementError::Io(_) if *after_entry > 0 => {
            format!("{error} (after entry {after_entry})")
        }
        _ => error.to_string(),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Camt053 => "camt.053",
        Format::Camt054 => "camt.054",
        Format::Mt940 => "mt940",
    }
}

/// Hashes every byte the parser reads, so the file is read once and never held in memory.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

struct Parsed {
    format: Format,
    entries: usize,
    sha256: String,
}

/// Imports one statement file for a tenant. Everything happens in one database transaction:
/// a file that fails to parse anywhere books nothing.
pub async fn import<R: BufRead + Send + 'static>(
    db: &DatabaseConnection,
    tenant_id: i64,
    now: DateTime<Utc>,
    reader: R,
) -> Result<Summary, ImportError> {
    // Two chunks in flight bound memory whatever the file size; the parser (CPU-bound,
    // synchronous) runs beside the database work instead of before it.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Entry>>(2);
    let last_entry = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = last_entry.clone();
    let parser = tokio::task::spawn_blocking(move || -> Result<Parsed, StatementError> {
        let mut hashing = Hashing {
            inner: reader,
            hasher: Sha256::new(),
        };
        let mut buffered = std::io::BufReader::with_capacity(256 * 1024, &mut hashing);
        let mut chunk = Vec::with_capacity(CHUNK);
        let (format, entries) = statements::parse(&mut buffered, |tx| {
            seen.store(tx.entry_no, std::sync::atomic::Ordering::Relaxed);
            chunk.push(Entry::new(tx));
            if chunk.len() >= CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                sender.blocking_send(full).map_err(|_| stopped())?;
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            sender.blocking_send(chunk).map_err(|_| stopped())?;
        }
        // The hash covers the whole file, also anything after the statement's end.
        std::io::copy(&mut buffered, &mut std::io::sink())?;
        drop(buffered);
        Ok(Parsed {
            format,
            entries,
            sha256: hex::encode(hashing.hasher.finalize()),
        })
    });

    let txn = db.begin().await?;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        txn.execute_unprepared("PRAGMA cache_size = -65536").await?;
    }
    crate::sql::defer_foreign_keys(&txn).await?;
    let mut summary = Summary::default();
    // On error the receiver drops, which stops the parser at its next send; the transaction
    // rolls back when dropped.
    while let Some(chunk) = receiver.recv().await {
        let read = read_chunk(&txn, tenant_id, now, chunk).await?;
        book_chunk(&txn, tenant_id, now, read, &mut summary).await?;
    }
    let parsed = match parser.await {
        Ok(Ok(parsed)) => parsed,
        Ok(Err(error)) => {
            return Err(ImportError::Statement {
                error,
                after_entry: last_entry.load(std::sync::atomic::Ordering::Relaxed),
            })
        }
        Err(_) => return Err(ImportError::Reader),
    };
    summary.entries = parsed.entries as u64;
    let summary_json = serde_json::to_string(&summary).map_err(|e| ServiceError::Internal(e.into()))?;
    statement_import::Entity::insert(statement_import::ActiveModel {
        tenant_id: Set(tenant_id),
        file_sha256: Set(parsed.sha256),
        format: Set(format_name(parsed.format).into()),
        summary: Set(summary_json),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(summary)
}

fn stopped() -> StatementError {
    StatementError::Io(std::io::Error::other("the import stopped"))
}

/// The payments of a tenant nobody could match yet, newest first.
pub async fn unmatched<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<payment::Model>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant_id))
        // Unmatched payments have no customer yet: the (tenant, customer) index finds them.
        .filter(payment::Column::CustomerId.is_null())
        .filter(payment::Column::MatchState.eq(Outcome::Unmatched.as_str()))
        .order_by_desc(payment::Column::ReceivedOn)
        .order_by_desc(payment::Column::Id)
        .all(db)
        .await
}

/// What the matcher looks up for one incoming transaction.
#[derive(Default)]
struct MatchKeys {
    /// A valid RF (or 16-digit Dutch kenmerk) in the structured remittance field.
    structured: Option<String>,
    end_to_end: Option<String>,
    /// References found in the free text, longest first at each position.
    text_refs: Vec<String>,
}

impl MatchKeys {
    /// In the order they are trusted.
    fn all(&self) -> impl Iterator<Item = &String> {
        self.structured
            .iter()
            .chain(self.end_to_end.iter())
            .chain(self.text_refs.iter())
    }
}

/// A parsed transaction with what matching it needs, worked out on the parser thread.
struct Entry {
    tx: Transaction,
    dedup_key: String,
    keys: MatchKeys,
}

impl Entry {
    fn new(tx: Transaction) -> Entry {
        let keys = if is_incoming(&tx) {
            MatchKeys {
                structured: tx.structured_ref.as_deref().and_then(reference_in_structured),
                end_to_end: tx.end_to_end_id.as_deref().map(compact_upper).filter(|s| !s.is_empty()),
                text_refs: references_in_text(&tx.free_text),
            }
        } else {
            MatchKeys::default()
        };
        Entry {
            dedup_key: tx.dedup_key(),
            keys,
            tx,
        }
    }
}

/// Money that came in and is booked; debits, pending entries and reversals never become
/// payments.
fn is_incoming(tx: &Transaction) -> bool {
    tx.credit && tx.booked && !tx.reversal
}

/// What the lookups found for one chunk.
struct ChunkRead {
    batch: Vec<Incoming>,
    /// Per payment of the batch: nothing found yet, the known-IBAN rule may still match it.
    searching: Vec<bool>,
    reversals: Vec<Transaction>,
    ignored: u64,
    known: Known,
}

/// The lookups for one chunk: references, invoice numbers, booked keys and the invoices found.
async fn read_chunk<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    chunk: Vec<Entry>,
) -> Result<ChunkRead, ImportError> {
    let mut credits = Vec::with_capacity(chunk.len());
    let mut reversals = Vec::new();
    let mut ignored = 0;
    for entry in chunk {
        if is_incoming(&entry.tx) {
            credits.push(entry);
        } else {
            // A booked return of an incoming payment still undoes that payment.
            ignored += 1;
            let tx = entry.tx;
            if tx.reversal && !tx.credit && tx.booked {
                reversals.push(tx);
            }
        }
    }

    // Most payers quote one good reference: each payment's most trusted key is looked up first,
    // its other keys only when that one settles nothing.
    let mut first: Vec<String> = credits.iter().filter_map(|e| e.keys.all().next().cloned()).collect();
    first.sort_unstable();
    first.dedup();
    let mut resolved = references::resolve(db, tenant_id, &first).await?;
    let pays =
        |r: &String, resolved: &references::Resolved| resolved.invoices_of.get(r).is_some_and(|ids| !ids.is_empty());
    let mut rest: Vec<String> = credits
        .iter()
        .filter(|e| !e.keys.all().any(|r| pays(r, &resolved)))
        .flat_map(|e| e.keys.all().skip(1).cloned())
        .filter(|r| first.binary_search(r).is_err())
        .collect();
    if !rest.is_empty() {
        rest.sort_unstable();
        rest.dedup();
        resolved.extend(references::resolve(db, tenant_id, &rest).await?);
    }

    let mut matches: Vec<Option<Vec<i64>>> = credits
        .iter()
        .map(|e| {
            if e.tx.currency != "EUR" {
                // Invoices are in euros: anything else waits for a person, but is recorded.
                return Some(Vec::new());
            }
            e.keys
                .all()
                .find_map(|r| resolved.invoices_of.get(r).filter(|ids| !ids.is_empty()).cloned())
        })
        .collect();
    match_link_codes(db, tenant_id, &credits, &mut matches).await?;
    match_invoice_numbers(db, tenant_id, &credits, &mut matches).await?;

    let searching: Vec<bool> = matches.iter().map(Option::is_none).collect();
    let batch: Vec<Incoming> = credits
        .into_iter()
        .zip(matches)
        .map(|(entry, invoices)| incoming(entry, invoices.unwrap_or_default(), now))
        .collect();
    let known = Known::read(db, tenant_id, &batch, resolved.invoices).await?;
    Ok(ChunkRead {
        batch,
        searching,
        reversals,
        ignored,
        known,
    })
}

/// Books one chunk: the known-IBAN rule for what is still unmatched, the payments, then the
/// returns (which look up the payments they return, perhaps booked just now).
async fn book_chunk<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    read: ChunkRead,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let ChunkRead {
        mut batch,
        searching,
        reversals,
        ignored,
        mut known,
    } = read;
    summary.ignored += ignored;
    if match_known_ibans(db, tenant_id, &mut batch, &searching).await? {
        known.read_invoices(db, tenant_id, &batch).await?;
    }
    let planned = booking::plan(tenant_id, now, batch, known);
    for outcome in planned.outcomes() {
        match outcome {
            Outcome::Duplicate => summary.duplicates += 1,
            Outcome::Matched => summary.matched += 1,
            Outcome::PartiallyMatched => summary.partially_matched += 1,
            Outcome::Overpaid => summary.overpaid += 1,
            Outcome::Unmatched => summary.unmatched += 1,
        }
        if *outcome != Outcome::Duplicate {
            summary.new += 1;
        }
    }
    booking::write(db, tenant_id, now, planned).await?;
    for tx in reversals {
        reverse(db, tenant_id, now, &tx).await?;
    }
    Ok(())
}

fn incoming(entry: Entry, invoices: Vec<i64>, now: DateTime<Utc>) -> Incoming {
    let Entry { tx, dedup_key, .. } = entry;
    let received_on = received_on(&tx, now);
    Incoming {
        source: Source::Statement,
        dedup_key,
        amount_cents: tx.amount_cents,
        currency: tx.currency,
        received_on,
        debtor_name: tx.debtor_name,
        debtor_iban: tx.debtor_iban,
        reference_text: reference_text(tx.structured_ref.as_deref(), &tx.free_text),
        end_to_end_id: tx.end_to_end_id,
        checkout_id: None,
        invoices,
    }
}

fn received_on(tx: &Transaction, now: DateTime<Utc>) -> NaiveDate {
    tx.booking_date.or(tx.value_date).unwrap_or_else(|| now.date_naive())
}

fn reference_text(structured: Option<&str>, free_text: &str) -> String {
    match structured {
        Some(s) if !free_text.is_empty() => format!("{s} {free_text}"),
        Some(s) => s.to_string(),
        None => free_text.to_string(),
    }
}

/// The words `words` picks from the free text of each payment not matched yet (none for the
/// others), and all of them once, sorted, for one IN query.
fn unmatched_words(
    credits: &[Entry],
    matches: &[Option<Vec<i64>>],
    words: impl Fn(&str) -> Vec<String>,
) -> (Vec<Vec<String>>, Vec<String>) {
    let per_payment: Vec<Vec<String>> = credits
        .iter()
        .zip(matches)
        .map(|(e, m)| {
            if m.is_none() {
                words(&e.tx.free_text)
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut all: Vec<String> = per_payment.iter().flatten().cloned().collect();
    all.sort_unstable();
    all.dedup();
    (per_payment, all)
}

/// Step 3b: the code of a payment link in the free text (a payer who pasted the link). Found
/// by its hash, like the link itself; a used or expired link still names its invoice.
async fn match_link_codes<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    credits: &[Entry],
    matches: &mut [Option<Vec<i64>>],
) -> Result<(), ImportError> {
    let (hashes, wanted) = unmatched_words(credits, matches, |text| {
        link_codes(text).map(tokens::hash_token).collect()
    });
    let mut invoice_of: HashMap<String, i64> = HashMap::new();
    for part in wanted.chunks(chunked_in::MAX) {
        let rows: Vec<(String, Option<i64>)> = one_time_token::Entity::find()
            .select_only()
            .column(one_time_token::Column::TokenHash)
            .column(one_time_token::Column::InvoiceId)
            .filter(one_time_token::Column::TenantId.eq(tenant_id))
            .filter(one_time_token::Column::Purpose.eq(paylinks::PURPOSE))
            .filter(one_time_token::Column::TokenHash.is_in(part.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        invoice_of.extend(rows.into_iter().filter_map(|(hash, invoice)| Some((hash, invoice?))));
    }
    for (m, hashes) in matches.iter_mut().zip(hashes) {
        if let Some(id) = hashes.iter().find_map(|h| invoice_of.get(h)) {
            *m = Some(vec![*id]);
        }
    }
    Ok(())
}

/// Words that could be a payment link's code: 20 to 64 characters of the link alphabet (a
/// pasted link splits at its slashes, so the code is one of its words).
fn link_codes(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|w| (20..=64).contains(&w.len()))
}

/// Step 3c: invoice numbers in the free text, one IN query for the whole chunk.
async fn match_invoice_numbers<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    credits: &[Entry],
    matches: &mut [Option<Vec<i64>>],
) -> Result<(), ImportError> {
    let (tokens, wanted) = unmatched_words(credits, matches, invoice_number_tokens);
    let mut by_number: HashMap<String, i64> = HashMap::new();
    for part in wanted.chunks(chunked_in::MAX) {
        let rows: Vec<(i64, String)> = invoice::Entity::find()
            .select_only()
            .column(invoice::Column::Id)
            .column(invoice::Column::Number)
            .filter(invoice::Column::TenantId.eq(tenant_id))
            .filter(invoice::Column::Number.is_in(part.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        by_number.extend(rows.into_iter().map(|(id, number)| (number, id)));
    }
    for (m, tokens) in matches.iter_mut().zip(tokens) {
        let mut ids: Vec<i64> = Vec::new();
        for t in &tokens {
            if let Some(id) = by_number.get(t) {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
        if !ids.is_empty() {
            *m = Some(ids);
        }
    }
    Ok(())
}

/// Step 4: no reference at all, but the IBAN paid this tenant before and that customer has
/// exactly one open invoice of exactly this amount. Two queries for the whole chunk. Returns
/// whether it matched anything.
async fn match_known_ibans<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    batch: &mut [Incoming],
    searching: &[bool],
) -> Result<bool, ImportError> {
    let candidate = |p: &Incoming, searching: bool| searching && p.amount_cents > 0 && p.debtor_iban.is_some();
    let mut ibans: Vec<String> = batch
        .iter()
        .zip(searching)
        .filter(|(p, s)| candidate(p, **s))
        .filter_map(|(p, _)| p.debtor_iban.clone())
        .collect();
    if ibans.is_empty() {
        return Ok(false);
    }
    ibans.sort_unstable();
    ibans.dedup();
    let mut customers_of: HashMap<String, HashSet<i64>> = HashMap::new();
    for part in ibans.chunks(chunked_in::MAX) {
        let rows: Vec<(Option<String>, Option<i64>)> = payment::Entity::find()
            .select_only()
            .column(payment::Column::DebtorIban)
            .column(payment::Column::CustomerId)
            .distinct()
            .filter(payment::Column::TenantId.eq(tenant_id))
            .filter(payment::Column::DebtorIban.is_in(part.iter().cloned()))
            .filter(payment::Column::CustomerId.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        for (iban, customer) in rows {
            if let (Some(iban), Some(customer)) = (iban, customer) {
                customers_of.entry(iban).or_default().insert(customer);
            }
        }
    }
    let mut customers: Vec<i64> = customers_of.values().flatten().copied().collect();
    if customers.is_empty() {
        return Ok(false);
    }
    customers.sort_unstable();
    customers.dedup();
    // (customer, open cents) -> open invoices with exactly that open amount.
    let mut open: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
    for part in customers.chunks(chunked_in::MAX) {
        let rows: Vec<(i64, i64, i64)> = invoice::Entity::find()
            .select_only()
            .column(invoice::Column::Id)
            .column(invoice::Column::CustomerId)
            .column(invoice::Column::OpenCents)
            .filter(invoice::Column::TenantId.eq(tenant_id))
            .filter(invoice::Column::CustomerId.is_in(part.iter().copied()))
            .filter(invoice::Column::Status.is_in(["open", "pending"]))
            .filter(invoice::Column::OpenCents.gt(0))
            .filter(invoice::Column::Currency.eq("EUR"))
            .into_tuple()
            .all(db)
            .await?;
        for (id, customer, open_cents) in rows {
            open.entry((customer, open_cents)).or_default().push(id);
        }
    }
    let mut found = false;
    for (p, s) in batch.iter_mut().zip(searching) {
        if !candidate(p, *s) {
            continue;
        }
        let Some(known) = p.debtor_iban.as_ref().and_then(|iban| customers_of.get(iban)) else {
            continue;
        };
        let candidates: Vec<i64> = known
            .iter()
            .flat_map(|c| open.get(&(*c, p.amount_cents)).into_iter().flatten().copied())
            .collect();
        // Two invoices of the same amount: guessing would settle the wrong one.
        if let [only] = candidates.as_slice() {
            p.invoices = vec![*only];
            found = true;
        }
    }
    Ok(found)
}

/// A returned incoming payment: find the payment it returns and take the money back.
async fn reverse<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    tx: &Transaction,
) -> Result<(), ImportError> {
    let base = || {
        payment::Entity::find()
            .filter(payment::Column::TenantId.eq(tenant_id))
            .filter(payment::Column::Source.eq(Source::Statement.as_str()))
            .filter(payment::Column::AmountCents.eq(tx.amount_cents))
            .filter(payment::Column::AmountCents.gt(0))
            .filter(payment::Column::ReversedAt.is_null())
            .order_by_desc(payment::Column::Id)
    };
    let mut original = None;
    if let Some(e2e) = &tx.end_to_end_id {
        original = base()
            .filter(payment::Column::EndToEndId.eq(e2e.as_str()))
            .one(db)
            .await?;
    }
    if original.is_none() {
        if let Some(iban) = &tx.debtor_iban {
            original = base()
                .filter(payment::Column::DebtorIban.eq(iban.as_str()))
                .one(db)
                .await?;
        }
    }
    let text = reference_text(tx.structured_ref.as_deref(), &tx.free_text);
    if original.is_none() && !text.is_empty() {
        original = base().filter(payment::Column::ReferenceText.eq(text)).one(db).await?;
    }
    let Some(original) = original else {
        return Ok(());
    };
    booking::take_back(
        db,
        tenant_id,
        now,
        vec![TakeBack {
            dedup_key: tx.dedup_key(),
            source: Source::Statement,
            payment_id: original.id,
            amount_cents: tx.amount_cents,
            received_on: received_on(tx, now),
            reason: tx.return_reason.clone().unwrap_or_else(|| "reversal".into()),
        }],
    )
    .await?;
    Ok(())
}

fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn is_kenmerk(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A structured reference is only trusted as a reference when it is a valid RF or a Dutch
/// 16-digit payment reference; anything else is the payer's own text.
fn reference_in_structured(s: &str) -> Option<String> {
    if let Ok(rf) = RfReference::parse(s) {
        return Some(rf.as_str().to_string());
    }
    let compact = compact_upper(s);
    is_kenmerk(&compact).then_some(compact)
}

/// RF references (also printed in groups of four) and 16-digit kenmerken in free text. At each
/// place one starts, every group boundary is a candidate end, longest first: a valid check digit
/// on a longer run is far stronger evidence than on a shorter one.
fn references_in_text(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let rest = &bytes[i..];
        let rf_start = rest.len() >= 4
            && rest[..2].eq_ignore_ascii_case(b"RF")
            && rest[2].is_ascii_digit()
            && rest[3].is_ascii_digit();
        let digit_start = rest[0].is_ascii_digit();
        if !at_word_start || !(rf_start || digit_start) {
            i += 1;
            continue;
        }
        // Collect alphanumeric runs separated by single spaces, remembering each boundary.
        let max = if rf_start {
            4 + settle_domain::rf::MAX_BASE_LEN
        } else {
            16
        };
        let mut compact = String::new();
        let mut ends: Vec<usize> = Vec::new();
        let mut j = i;
        while j < bytes.len() && compact.len() < max {
            let b = bytes[j];
            let fits = if rf_start {
                b.is_ascii_alphanumeric()
            } else {
                b.is_ascii_digit()
            };
            if fits {
                compact.push(char::from(b.to_ascii_uppercase()));
                j += 1;
                let boundary = j == bytes.len() || !bytes[j].is_ascii_alphanumeric();
                if boundary {
                    ends.push(compact.len());
                }
            } else if b == b' ' && j + 1 < bytes.len() && bytes[j + 1].is_ascii_alphanumeric() && j > i {
                j += 1;
            } else {
                break;
            }
        }
        for &end in ends.iter().rev() {
            let candidate = &compact[..end];
            if rf_start {
                if let Ok(rf) = RfReference::parse(candidate) {
                    out.push(rf.as_str().to_string());
                }
            } else if is_kenmerk(candidate) {
                out.push(candidate.to_string());
            }
        }
        // Skip the rest of this word; a reference cannot start inside it.
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
    }
    out
}

/// Words that could be invoice numbers: letters and digits, inner '-' or '/', 4 to 35 long,
/// with at least one digit (plain words are never invoice numbers and would bloat the query).
fn invoice_number_tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '/')) {
        let token = raw.trim_matches(|c| c == '-' || c == '/');
        if (4..=35).contains(&token.len()) && token.bytes().any(|b| b.is_ascii_digit()) {
            for t in [token.to_string(), token.to_ascii_uppercase()] {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn finds_rf_references_printed_in_groups() {
        assert_eq!(
            references_in_text("Rechnung RF18 5390 0754 7034 danke"),
            vec!["RF18539007547034"]
        );
        assert_eq!(references_in_text("rf18539007547034"), vec!["RF18539007547034"]);
        assert_eq!(references_in_text("ref:RF18539007547034."), vec!["RF18539007547034"]);
        assert!(references_in_text("XRF18539007547034").is_empty());
        assert!(references_in_text("RF19 5390 0754 7034").is_empty());
    }

    #[test]
    fn finds_sixteen_digit_kenmerk() {
        assert_eq!(
            references_in_text("kenmerk 5000 0567 8901 2345"),
            vec!["5000056789012345"]
        );
        assert_eq!(references_in_text("5000056789012345"), vec!["5000056789012345"]);
        assert!(references_in_text("500005678901234").is_empty());
    }

    #[test]
    fn structured_reference_must_be_rf_or_kenmerk() {
        assert_eq!(
            reference_in_structured("RF18 5390 0754 7034").as_deref(),
            Some("RF18539007547034")
        );
        assert_eq!(
            reference_in_structured("5000056789012345").as_deref(),
            Some("5000056789012345")
        );
        assert_eq!(reference_in_structured("INVOICE 12"), None);
    }

    #[test]
    fn link_codes_are_the_long_words_of_a_pasted_link() {
        let codes: Vec<&str> =
            link_codes("betaald via https://pay.example.nl/pay/AbC_def-0123456789xyzXYZ ok 2026-0001").collect();
        assert_eq!(codes, vec!["AbC_def-0123456789xyzXYZ"]);
    }

    #[test]
    fn invoice_number_tokens_keep_separators() {
        let t = invoice_number_tokens("Rechnung: 2026-0001, R-2026-502/ Kunde 4711 abc");
        assert!(t.contains(&"2026-0001".to_string()));
        assert!(t.contains(&"R-2026-502".to_string()));
        assert!(t.contains(&"4711".to_string()));
        assert!(!t.iter().any(|s| s == "Rechnung" || s == "abc"));
        assert!(invoice_number_tokens("r-2026-502").contains(&"R-2026-502".to_string()));
    }

    #[test]
    fn reference_text_joins_structured_and_free_text() {
        assert_eq!(reference_text(Some("RF18"), "x y"), "RF18 x y");
        assert_eq!(reference_text(None, "x"), "x");
        assert_eq!(reference_text(Some("RF18"), ""), "RF18");
    }
}
