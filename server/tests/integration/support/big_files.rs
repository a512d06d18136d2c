//! Big input files for the interruption tests (a process killed, the database restarted): a
//! bank statement of many unmatched transfers and an invoice import of many rows, with what
//! they must leave behind.
use super::{unique, TestApp};
use settle_core::entities::payment;
use settle_core::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};

pub fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("settle-crash-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A camt.053 with `n` incoming transfers nobody can match (each its own bank reference).
pub fn statement_of(n: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>KILL</MsgId><CreDtTm>2026-11-21T18:00:00+01:00</CreDtTm></GrpHdr>\
         <Stmt><Id>KILL1</Id><CreDtTm>2026-11-21T18:00:00+01:00</CreDtTm>\
         <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>\n",
    );
    for i in 0..n {
        xml.push_str(&format!(
            "<Ntry><Amt Ccy=\"EUR\">{}.{:02}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>KILL-{i}</AcctSvcrRef><NtryDtls><TxDtls>\
             <RltdPties><Dbtr><Nm>Payer {i}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>gift {i}</Ustrd></RmtInf>\
             </TxDtls></NtryDtls></Ntry>\n",
            10 + i % 90,
            i % 100
        ));
    }
    xml.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    xml
}

/// The transfers of [`statement_of`] booked so far.
pub async fn statement_payments(app: &TestApp) -> u64 {
    payment::Entity::find()
        .filter(payment::Column::ReferenceText.starts_with("gift "))
        .count(&app.state.db)
        .await
        .unwrap()
}

/// An invoice import of `rows` rows for the demo debtor 100001, numbered `KILL-000000` on;
/// row `i` is for `20 + i % 50` euros and `i % 100` cents.
pub fn invoices_csv(rows: i64) -> String {
    let mut csv = String::from("number;customer_number;issue_date;due_date;amount;description\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "KILL-{i:06};100001;2026-11-01;2026-12-01;{}.{:02};Premie\n",
            20 + i % 50,
            i % 100
        ));
    }
    csv
}

/// The imported `KILL-` invoices and their lines.
pub async fn imported_invoices(app: &TestApp) -> (i64, i64) {
    let row = app
        .state
        .db
        .query_one_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT COUNT(DISTINCT i.id) AS invoices, COUNT(l.id) AS lines FROM invoices i \
             LEFT JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.number LIKE 'KILL-%'",
        ))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get::<i64>("", "invoices").unwrap(),
        row.try_get::<i64>("", "lines").unwrap(),
    )
}

/// An interrupted import leaves whole batches of 20,000 (its commit interval) and no invoice
/// without its line.
pub fn assert_whole_batches(invoices: i64, lines: i64) {
    assert_eq!(invoices % 20_000, 0, "only whole batches are committed: {invoices}");
    assert_eq!(lines, invoices, "no invoice without its line");
}
