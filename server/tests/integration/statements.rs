//! Bank statement import: camt.053 (v02, v08, v13), camt.054 and MT940 files book payments
//! against the demo tenant's invoices, once, in one transaction per file.
use crate::support::{self, TestApp};
use settle_core::entities::{invoice, payment, refund_task, statement_import as import_rows};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::services::statement_import::{self, ImportError, Summary};
use settle_domain::rf::RfReference;

/// One transaction of a camt entry.
#[derive(Clone, Default)]
struct Tx {
    cents: i64,
    bank_ref: Option<String>,
    e2e: Option<String>,
    name: Option<String>,
    iban: Option<String>,
    rf: Option<String>,
    text: Option<String>,
    return_reason: Option<String>,
}

/// One camt entry (`Ntry`).
#[derive(Clone)]
struct Entry {
    credit: bool,
    reversal: bool,
    status: &'static str,
    ccy: &'static str,
    date: &'static str,
    bank_ref: String,
    txs: Vec<Tx>,
}

fn credit(bank_ref: &str, tx: Tx) -> Entry {
    Entry {
        credit: true,
        reversal: false,
        status: "BOOK",
        ccy: "EUR",
        date: "2026-11-20",
        bank_ref: bank_ref.into(),
        txs: vec![tx],
    }
}

fn amount(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A camt document. `version` is the message version ("02", "08", "13"); v02 has a plain
/// `Sts` and `Dbtr/Nm`, later versions `Sts/Cd` and `Dbtr/Pty/Nm`.
fn camt(kind: &str, version: &str, entries: &[Entry]) -> String {
    let v02 = version == "02";
    let mut out = String::new();
    let (root, block) = if kind == "054" {
        ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    } else {
        ("BkToCstmrStmt", "Stmt")
    };
    out.push_str(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{version}\">\n\
         <{root}><GrpHdr><MsgId>TEST</MsgId><CreDtTm>2026-11-21T18:00:00+01:00</CreDtTm></GrpHdr>\n\
         <{block}><Id>S1</Id><CreDtTm>2026-11-21T18:00:00+01:00</CreDtTm>\n\
         <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
    ));
    for e in entries {
        let total: i64 = e.txs.iter().map(|t| t.cents).sum();
        let dir = if e.credit { "CRDT" } else { "DBIT" };
        let status = if v02 {
            format!("<Sts>{}</Sts>", e.status)
        } else {
            format!("<Sts><Cd>{}</Cd></Sts>", e.status)
        };
        out.push_str(&format!(
            "<Ntry><Amt Ccy=\"{ccy}\">{amt}</Amt><CdtDbtInd>{dir}</CdtDbtInd>{rvsl}{status}\
             <BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt>\
             <AcctSvcrRef>{bank_ref}</AcctSvcrRef><NtryDtls>\n",
            ccy = e.ccy,
            amt = amount(total),
            rvsl = if e.reversal { "<RvslInd>true</RvslInd>" } else { "" },
            date = e.date,
            bank_ref = e.bank_ref,
        ));
        for t in &e.txs {
            out.push_str("<TxDtls><Refs>");
            if let Some(r) = &t.bank_ref {
                out.push_str(&format!("<AcctSvcrRef>{r}</AcctSvcrRef>"));
            }
            out.push_str(&format!(
                "<EndToEndId>{}</EndToEndId></Refs>",
                t.e2e.as_deref().unwrap_or("NOTPROVIDED")
            ));
            out.push_str(&format!(
                "<AmtDtls><TxAmt><Amt Ccy=\"{}\">{}</Amt></TxAmt></AmtDtls><RltdPties>",
                e.ccy,
                amount(t.cents)
            ));
            if let Some(n) = &t.name {
                if v02 {
                    out.push_str(&format!("<Dbtr><Nm>{n}</Nm></Dbtr>"));
                } else {
                    out.push_str(&format!("<Dbtr><Pty><Nm>{n}</Nm></Pty></Dbtr>"));
                }
            }
            if let Some(i) = &t.iban {
                out.push_str(&format!("<DbtrAcct><Id><IBAN>{i}</IBAN></Id></DbtrAcct>"));
            }
            out.push_str("</RltdPties><RmtInf>");
            if let Some(text) = &t.text {
                out.push_str(&format!("<Ustrd>{text}</Ustrd>"));
            }
            if let Some(rf) = &t.rf {
                out.push_str(&format!(
                    "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{rf}</Ref></CdtrRefInf></Strd>"
                ));
            }
            out.push_str("</RmtInf>");
            if let Some(code) = &t.return_reason {
                out.push_str(&format!("<RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf>"));
            }
            out.push_str("</TxDtls>\n");
        }
        out.push_str("</NtryDtls></Ntry>\n");
    }
    out.push_str(&format!("</{block}></{root}></Document>\n"));
    out
}

async fn demo_tenant(app: &TestApp) -> i64 {
    app.tenant().await.id
}

async fn invoice(app: &TestApp, number: &str) -> invoice::Model {
    invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(demo_tenant(app).await))
        .filter(invoice::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("invoice {number}"))
}

async fn rf(app: &TestApp, number: &str) -> String {
    invoice(app, number).await.rf_reference
}

async fn import(app: &TestApp, file: &str) -> Result<Summary, ImportError> {
    let tenant_id = demo_tenant(app).await;
    statement_import::import(
        &app.state.db,
        tenant_id,
        support::start_time(),
        std::io::Cursor::new(file.as_bytes().to_vec()),
    )
    .await
}

async fn payments(app: &TestApp) -> u64 {
    payment::Entity::find().count(&app.state.db).await.unwrap()
}

fn summary(
    entries: u64,
    matched: u64,
    partially: u64,
    overpaid: u64,
    unmatched: u64,
    dups: u64,
    ignored: u64,
) -> Summary {
    Summary {
        entries,
        new: matched + partially + overpaid + unmatched,
        matched,
        partially_matched: partially,
        overpaid,
        unmatched,
        duplicates: dups,
        ignored,
    }
}

#[tokio::test]
async fn camt053_v02_payment_with_its_rf_reference_pays_the_invoice() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "02",
        &[credit(
            "V02-1",
            Tx {
                cents: 4_250,
                rf: Some(rf(&app, "2026-0003").await),
                name: Some("Jan de Vries".into()),
                iban: Some("NL20INGB0001234567".into()),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    let inv = invoice(&app, "2026-0003").await;
    assert_eq!((inv.status.as_str(), inv.open_cents), ("paid", 0));
    app.cleanup().await;
}

#[tokio::test]
async fn camt053_v08_partial_payment_leaves_the_rest_open() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[credit(
            "V08-1",
            Tx {
                cents: 5_000,
                rf: Some(rf(&app, "2026-0002").await),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 0, 1, 0, 0, 0, 0));
    let inv = invoice(&app, "2026-0002").await;
    assert_eq!((inv.status.as_str(), inv.open_cents), ("open", 13_245 - 5_000));
    app.cleanup().await;
}

#[tokio::test]
async fn camt053_v13_overpayment_pays_the_invoice_and_opens_a_refund_task() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "13",
        &[credit(
            "V13-1",
            Tx {
                cents: 3_000,
                rf: Some(rf(&app, "2026-0006").await),
                name: Some("Jan de Vries".into()),
                iban: Some("NL20INGB0001234567".into()),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 0, 0, 1, 0, 0, 0));
    let inv = invoice(&app, "2026-0006").await;
    assert_eq!((inv.status.as_str(), inv.open_cents), ("paid", 0));
    let paid = payment::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(paid.match_state, "overpaid");
    let task = refund_task::Entity::find()
        .filter(refund_task::Column::PaymentId.eq(paid.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a refund task");
    assert_eq!((task.amount_cents, task.status.as_str()), (3_000 - 2_195, "open"));
    assert_eq!(task.payee_iban.as_deref(), Some("NL20INGB0001234567"));
    app.cleanup().await;
}

#[tokio::test]
async fn camt054_notification_books_like_a_statement() {
    let app = support::spawn_app().await;
    let file = camt(
        "054",
        "08",
        &[credit(
            "N-1",
            Tx {
                cents: 13_245,
                rf: Some(rf(&app, "2026-0005").await.to_lowercase()),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0005").await.status, "paid");
    let row = import_rows::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.format, "camt.054");
    assert_eq!(row.file_sha256.len(), 64);
    app.cleanup().await;
}

#[tokio::test]
async fn mt940_german_layout_matches_the_rf_in_the_purpose_and_ignores_debits() {
    let app = support::spawn_app().await;
    let reference = rf(&app, "2026-0003").await;
    let file = format!(
        "{{1:F01COBADEFFAXXX0000000000}}{{2:O9401200261121COBADEFFXXXX00000000002611211200N}}{{4:\r\n\
         :20:STARTUMSE\r\n:25:NL91ABNA0417164300\r\n:28C:00001/001\r\n:60F:C261119EUR1000,00\r\n\
         :61:2611201120CR42,50NTRFNONREF//DEREF0001\r\n\
         :86:166?00SEPA-GUTSCHRIFT?20EREF+NOTPROVIDED?21SVWZ+{reference} Rechnung?22 2026-0003?31DE89370400440532013000?32Max Mustermann\r\n\
         :61:2611201120DR19,99NDDTKREF4711//DEREF0002\r\n\
         :86:105?00SEPA-LASTSCHRIFT?20EREF+ABO-2026-01?22SVWZ+Abo November?31NL91ABNA0417164300?32Telco BV\r\n\
         :62F:C261120EUR1022,51\r\n-}}\r\n"
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(2, 1, 0, 0, 0, 0, 1));
    assert_eq!(invoice(&app, "2026-0003").await.status, "paid");
    let row = import_rows::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.format, "mt940");
    app.cleanup().await;
}

#[tokio::test]
async fn mt940_dutch_layout_matches_references_in_remi() {
    let app = support::spawn_app().await;
    let free = rf(&app, "2026-0003").await;
    let structured = rf(&app, "2026-0006").await;
    let file = format!(
        "ABNANL2A\r\n940\r\nABNANL2A\r\n:20:ABN AMRO BANK NV\r\n:25:NL91ABNA0417164300EUR\r\n:28:19701\r\n\
         :60F:C261119EUR5000,00\r\n\
         :61:261120C42,50NTRFEREF//00061120000001\r\n\
         :86:/TRTP/SEPA OVERBOEKING/IBAN/NL20INGB0001234567/BIC/INGBNL2A/NAME/J. de Vries/REMI/USTD//{free} premie/EREF/NOTPROVIDED/\r\n\
         :61:261120C21,95NTRFEREF//00061120000002\r\n\
         :86:/TRTP/SEPA OVERBOEKING/IBAN/NL20INGB0001234567/BIC/INGBNL2A/NAME/J. de Vries/REMI/STRD/CUR/{structured}/EREF/X-1/\r\n\
         :62F:C261120EUR5064,45\r\n-\r\n"
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(2, 2, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0003").await.status, "paid");
    assert_eq!(invoice(&app, "2026-0006").await.status, "paid");
    app.cleanup().await;
}

#[tokio::test]
async fn unmatched_payment_waits_in_the_unmatched_list() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[
            credit(
                "U-1",
                Tx {
                    cents: 1_234,
                    name: Some("Onbekende Betaler".into()),
                    iban: Some("BE72000000001616".into()),
                    text: Some("gift".into()),
                    ..Tx::default()
                },
            ),
            Entry {
                ccy: "USD",
                ..credit(
                    "U-2",
                    Tx {
                        cents: 4_250,
                        rf: Some(rf(&app, "2026-0003").await),
                        ..Tx::default()
                    },
                )
            },
        ],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(2, 0, 0, 0, 2, 0, 0));
    assert_eq!(
        invoice(&app, "2026-0003").await.open_cents,
        4_250,
        "dollars pay no euro invoice"
    );
    let list = statement_import::unmatched(&app.state.db, demo_tenant(&app).await)
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let gift = list.iter().find(|p| p.currency == "EUR").expect("the euro payment");
    assert_eq!(gift.amount_cents, 1_234);
    assert_eq!(gift.debtor_name.as_deref(), Some("Onbekende Betaler"));
    assert_eq!(gift.debtor_iban.as_deref(), Some("BE72000000001616"));
    assert_eq!(gift.reference_text, "gift");
    app.cleanup().await;
}

#[tokio::test]
async fn importing_the_same_file_twice_books_nothing_twice() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[
            credit(
                "R-1",
                Tx {
                    cents: 1_000,
                    rf: Some(rf(&app, "2026-0002").await),
                    ..Tx::default()
                },
            ),
            credit(
                "R-2",
                Tx {
                    cents: 500,
                    text: Some("unknown".into()),
                    ..Tx::default()
                },
            ),
        ],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(2, 0, 1, 0, 1, 0, 0));
    let before = (payments(&app).await, invoice(&app, "2026-0002").await.open_cents);
    assert_eq!(import(&app, &file).await.unwrap(), summary(2, 0, 0, 0, 0, 2, 0));
    assert_eq!(
        (payments(&app).await, invoice(&app, "2026-0002").await.open_cents),
        before
    );
    assert_eq!(before.1, 13_245 - 1_000);
    assert_eq!(import_rows::Entity::find().count(&app.state.db).await.unwrap(), 2);
    app.cleanup().await;
}

#[tokio::test]
async fn an_overlapping_file_books_only_its_new_entries() {
    let app = support::spawn_app().await;
    let entry = |bank_ref: &str, cents: i64| {
        credit(
            bank_ref,
            Tx {
                cents,
                text: Some(format!("payment {bank_ref}")),
                ..Tx::default()
            },
        )
    };
    let first = camt("053", "08", &[entry("O-1", 100), entry("O-2", 200)]);
    let second = camt("053", "02", &[entry("O-2", 200), entry("O-3", 300)]);
    assert_eq!(import(&app, &first).await.unwrap(), summary(2, 0, 0, 0, 2, 0, 0));
    assert_eq!(import(&app, &second).await.unwrap(), summary(2, 0, 0, 0, 1, 1, 0));
    assert_eq!(payments(&app).await, 3);
    app.cleanup().await;
}

#[tokio::test]
async fn a_batch_entry_with_three_transactions_pays_three_invoices() {
    let app = support::spawn_app().await;
    let mut batch = credit("B-1", Tx::default());
    batch.txs = Vec::new();
    for (i, (number, cents)) in [("2026-0003", 4_250), ("2026-0006", 2_195), ("2026-1001", 12_995)]
        .into_iter()
        .enumerate()
    {
        batch.txs.push(Tx {
            cents,
            bank_ref: Some(format!("B-1-{i}")),
            rf: Some(rf(&app, number).await),
            ..Tx::default()
        });
    }
    assert_eq!(
        import(&app, &camt("053", "08", &[batch])).await.unwrap(),
        summary(1, 3, 0, 0, 0, 0, 0)
    );
    for number in ["2026-0003", "2026-0006", "2026-1001"] {
        let inv = invoice(&app, number).await;
        assert_eq!((inv.status.as_str(), inv.open_cents), ("paid", 0), "{number}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_returned_payment_reopens_the_invoice() {
    let app = support::spawn_app().await;
    let paid = Tx {
        cents: 4_250,
        e2e: Some("E2E-RETURN-1".into()),
        iban: Some("NL20INGB0001234567".into()),
        rf: Some(rf(&app, "2026-0003").await),
        ..Tx::default()
    };
    import(&app, &camt("053", "08", &[credit("P-1", paid.clone())]))
        .await
        .unwrap();
    assert_eq!(invoice(&app, "2026-0003").await.status, "paid");

    let returned = Entry {
        credit: false,
        reversal: true,
        ..credit(
            "RET-1",
            Tx {
                return_reason: Some("MD06".into()),
                ..paid
            },
        )
    };
    let file = camt("053", "08", &[returned]);
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 0, 0, 0, 0, 0, 1));
    let inv = invoice(&app, "2026-0003").await;
    assert_eq!((inv.status.as_str(), inv.open_cents), ("open", 4_250));
    let original = payment::Entity::find()
        .filter(payment::Column::DedupKey.ne(""))
        .filter(payment::Column::AmountCents.eq(4_250))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(original.reversed_at.is_some());
    let back = payment::Entity::find()
        .filter(payment::Column::AmountCents.eq(-4_250))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the take-back");
    assert_eq!(back.reference_text, "MD06");

    // The same return again changes nothing.
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 0, 0, 0, 0, 0, 1));
    assert_eq!(invoice(&app, "2026-0003").await.open_cents, 4_250);
    assert_eq!(payments(&app).await, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn pending_and_debit_entries_are_ignored() {
    let app = support::spawn_app().await;
    let tx = Tx {
        cents: 4_250,
        rf: Some(rf(&app, "2026-0003").await),
        ..Tx::default()
    };
    let pending = Entry {
        status: "PDNG",
        ..credit("I-1", tx.clone())
    };
    let debit = Entry {
        credit: false,
        ..credit("I-2", tx)
    };
    assert_eq!(
        import(&app, &camt("053", "08", &[pending, debit])).await.unwrap(),
        summary(2, 0, 0, 0, 0, 0, 2)
    );
    assert_eq!(payments(&app).await, 0);
    assert_eq!(invoice(&app, "2026-0003").await.open_cents, 4_250);
    app.cleanup().await;
}

#[tokio::test]
async fn a_truncated_xml_file_is_refused_and_books_nothing() {
    let app = support::spawn_app().await;
    let entries: Vec<Entry> = (0..3)
        .map(|i| {
            credit(
                &format!("T-{i}"),
                Tx {
                    cents: 100,
                    text: Some("x".into()),
                    ..Tx::default()
                },
            )
        })
        .collect();
    let mut file = camt("053", "08", &entries);
    // Cut inside the third entry.
    let cut = file.match_indices("<Ntry>").nth(2).map(|(i, _)| i + 40).unwrap();
    file.truncate(cut);
    let err = import(&app, &file).await.unwrap_err();
    assert!(matches!(err, ImportError::Statement { .. }), "{err}");
    assert!(err.to_string().contains("entry 2"), "{err}");
    assert_eq!(payments(&app).await, 0);
    assert_eq!(import_rows::Entity::find().count(&app.state.db).await.unwrap(), 0);

    // A bad amount names its entry.
    let bad = camt("053", "08", &entries).replacen("<Amt Ccy=\"EUR\">1.00</Amt>", "<Amt Ccy=\"EUR\">1.0.0</Amt>", 3);
    let err = import(&app, &bad).await.unwrap_err();
    assert!(err.to_string().starts_with("entry "), "{err}");
    assert_eq!(payments(&app).await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_bad_mt940_statement_line_is_refused_naming_the_line() {
    let app = support::spawn_app().await;
    let reference = rf(&app, "2026-0003").await;
    let file = format!(
        ":20:X\n:25:NL91ABNA0417164300\n:28C:1\n:60F:C261119EUR0,00\n\
         :61:261120C42,50NTRFNONREF//L1\n:86:/NAME/A/REMI/USTD//{reference}/\n\
         :61:261120X42,50NTRFNONREF//L2\n:86:/NAME/B/\n:62F:C261120EUR85,00\n-\n"
    );
    let err = import(&app, &file).await.unwrap_err();
    assert!(err.to_string().starts_with("line 7:"), "{err}");
    assert_eq!(payments(&app).await, 0);
    assert_eq!(invoice(&app, "2026-0003").await.open_cents, 4_250);
    app.cleanup().await;
}

#[tokio::test]
async fn a_file_with_a_doctype_is_refused() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[credit(
            "X-1",
            Tx {
                cents: 100,
                text: Some("&xxe;".into()),
                ..Tx::default()
            },
        )],
    )
    .replacen(
        "?>\n",
        "?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n",
        1,
    );
    let err = import(&app, &file).await.unwrap_err();
    assert!(err.to_string().contains("document type"), "{err}");
    assert_eq!(payments(&app).await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn an_rf_reference_typed_with_spaces_in_the_free_text_matches() {
    let app = support::spawn_app().await;
    let grouped = RfReference::parse(&rf(&app, "2026-0003").await).unwrap().grouped();
    let file = camt(
        "053",
        "08",
        &[credit(
            "F-1",
            Tx {
                cents: 4_250,
                // A structured reference that is not a valid RF falls through to the text.
                rf: Some("RF00 1234".into()),
                text: Some(format!("premie {grouped} dank u")),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0003").await.status, "paid");
    app.cleanup().await;
}

#[tokio::test]
async fn a_valid_but_unknown_structured_reference_falls_back_to_the_one_in_the_text() {
    let app = support::spawn_app().await;
    let real = rf(&app, "2026-0003").await;
    let file = camt(
        "053",
        "08",
        &[credit(
            "F-2",
            Tx {
                cents: 4_250,
                // A well-formed RF of nobody here: the RF in the text still pays the invoice.
                rf: Some("RF18539007547034".into()),
                text: Some(format!("premie {real}")),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0003").await.status, "paid");
    app.cleanup().await;
}

#[tokio::test]
async fn a_pasted_payment_link_in_the_free_text_matches() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[credit(
            "L-1",
            Tx {
                cents: 13_245,
                text: Some(format!(
                    "zie https://demo.settle.test/pay/{} bedankt",
                    settle_core::demo::DEMO_PAY_TOKEN
                )),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0002").await.status, "paid");
    app.cleanup().await;
}

#[tokio::test]
async fn an_invoice_number_in_the_free_text_matches() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[credit(
            "N-1",
            Tx {
                cents: 12_995,
                text: Some("Factuur: 2026-1001, klant 100002".into()),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-1001").await.status, "paid");
    app.cleanup().await;
}

#[tokio::test]
async fn an_end_to_end_id_settle_issued_matches() {
    let app = support::spawn_app().await;
    let file = camt(
        "053",
        "08",
        &[credit(
            "E-1",
            Tx {
                cents: 2_195,
                e2e: Some(rf(&app, "2026-0006").await),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &file).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0006").await.status, "paid");
    app.cleanup().await;
}

#[tokio::test]
async fn a_known_iban_paying_an_open_amount_matches_without_a_reference() {
    let app = support::spawn_app().await;
    let iban = "NL20INGB0001234567";
    let first = camt(
        "053",
        "08",
        &[credit(
            "K-1",
            Tx {
                cents: 13_245,
                iban: Some(iban.into()),
                rf: Some(rf(&app, "2026-0002").await),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &first).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    // Jan de Vries has exactly one open invoice of 42.50: 2026-0003.
    let second = camt(
        "053",
        "08",
        &[credit(
            "K-2",
            Tx {
                cents: 4_250,
                iban: Some(iban.into()),
                text: Some("premie".into()),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &second).await.unwrap(), summary(1, 1, 0, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0003").await.status, "paid");
    // After 72.45 on 2026-0005, 60.00 is open on both 2026-0004 and 2026-0005: no guess.
    let partial = camt(
        "053",
        "08",
        &[credit(
            "K-3",
            Tx {
                cents: 7_245,
                iban: Some(iban.into()),
                rf: Some(rf(&app, "2026-0005").await),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &partial).await.unwrap(), summary(1, 0, 1, 0, 0, 0, 0));
    assert_eq!(invoice(&app, "2026-0004").await.open_cents, 6_000);
    let ambiguous = camt(
        "053",
        "08",
        &[credit(
            "K-4",
            Tx {
                cents: 6_000,
                iban: Some(iban.into()),
                ..Tx::default()
            },
        )],
    );
    assert_eq!(import(&app, &ambiguous).await.unwrap(), summary(1, 0, 0, 0, 1, 0, 0));
    app.cleanup().await;
}

mod cli {
    //! `settle import-statement` and `settle unmatched` end to end, through the binary.
    use super::*;
    use settle_core::db::{self, DatabaseUrl};
    use settle_core::sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    use std::process::Command;

    fn settle(dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_settle"))
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SETTLE_DATABASE_URL", url)
            .env("SETTLE_LOG", "error")
            .output()
            .unwrap()
    }

    /// A database of its own (the app under test keeps its URL to itself): a SQLite file, or a
    /// fresh Postgres database dropped at the end.
    async fn fresh_database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
        if support::postgres() {
            let admin = std::env::var("SETTLE_TEST_POSTGRES_URL").expect("SETTLE_TEST_POSTGRES_URL");
            let name = format!(
                "settle_cli_{}_{}",
                std::process::id(),
                chrono::Utc::now().timestamp_micros()
            );
            let conn = Database::connect(&admin).await.unwrap();
            conn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("CREATE DATABASE {name}"),
            ))
            .await
            .unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            (format!("{base}/{name}"), Some((admin, name)))
        } else {
            (format!("sqlite://{}?mode=rwc", dir.join("cli.db").display()), None)
        }
    }

    #[tokio::test]
    async fn import_statement_prints_json_counts_and_refuses_a_bad_file_with_exit_1() {
        let dir = std::env::temp_dir().join(format!(
            "settle-cli-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let (url, cleanup) = fresh_database(&dir).await;
        let conn = db::connect(&DatabaseUrl::parse(&url).unwrap()).await.unwrap();
        db::migrate(&conn).await.unwrap();
        settle_core::demo::seed(&conn, support::start_time()).await.unwrap();
        let reference = invoice::Entity::find()
            .filter(invoice::Column::Number.eq("2026-0003"))
            .one(&conn)
            .await
            .unwrap()
            .unwrap()
            .rf_reference;
        conn.close().await.unwrap();

        let file = camt(
            "053",
            "08",
            &[
                credit(
                    "C-1",
                    Tx {
                        cents: 4_250,
                        rf: Some(reference),
                        ..Tx::default()
                    },
                ),
                credit(
                    "C-2",
                    Tx {
                        cents: 999,
                        name: Some("Zomaar Iemand".into()),
                        iban: Some("BE72000000001616".into()),
                        text: Some("a gift".into()),
                        ..Tx::default()
                    },
                ),
            ],
        );
        std::fs::write(dir.join("good.xml"), &file).unwrap();
        let out = settle(
            &dir,
            &url,
            &["import-statement", "--tenant", "demo", "good.xml", "--json"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = [
            "entries",
            "new",
            "matched",
            "partially_matched",
            "overpaid",
            "unmatched",
            "duplicates",
            "ignored",
        ];
        expected.sort_unstable();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected);
        assert_eq!(json["entries"], 2);
        assert_eq!(json["new"], 2);
        assert_eq!(json["matched"], 1);
        assert_eq!(json["unmatched"], 1);

        let again = settle(&dir, &url, &["import-statement", "--tenant", "demo", "good.xml"]);
        assert_eq!(again.status.code(), Some(0));
        let text = String::from_utf8_lossy(&again.stdout);
        assert!(text.contains("2 duplicates"), "{text}");

        let listed = settle(&dir, &url, &["unmatched", "--tenant", "demo", "--json"]);
        assert_eq!(
            listed.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&listed.stderr)
        );
        let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["amount_cents"], 999);
        assert_eq!(rows[0]["debtor_name"], "Zomaar Iemand");
        assert_eq!(rows[0]["received_on"], "2026-11-20");
        let table = settle(&dir, &url, &["unmatched", "--tenant", "demo"]);
        assert!(String::from_utf8_lossy(&table.stdout).contains("9.99 EUR"));

        std::fs::write(dir.join("bad.xml"), &file[..file.len() / 2]).unwrap();
        let bad = settle(
            &dir,
            &url,
            &["import-statement", "--tenant", "demo", "bad.xml", "--json"],
        );
        assert_eq!(bad.status.code(), Some(1));
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.starts_with("settle: "), "{err}");
        assert!(bad.stdout.is_empty());

        let unknown = settle(&dir, &url, &["unmatched", "--tenant", "nope"]);
        assert_eq!(unknown.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown tenant"));

        // The provider's credentials come on standard input and are never printed back.
        let mut child = Command::new(env!("CARGO_BIN_EXE_settle"))
            .args([
                "payment-provider",
                "--tenant",
                "demo",
                "--provider",
                "mollie",
                "--allow-partial",
            ])
            .current_dir(&dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SETTLE_DATABASE_URL", &url)
            .env("SETTLE_LOG", "error")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(b"api_key=live_TOPSECRET42\n").unwrap();
        }
        let saved = child.wait_with_output().unwrap();
        assert_eq!(
            saved.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&saved.stderr)
        );
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&saved.stdout),
            String::from_utf8_lossy(&saved.stderr)
        );
        assert!(said.contains("mollie") && !said.contains("TOPSECRET"), "{said}");
        // Without credentials nothing changes: exit 1.
        let refused = settle(
            &dir,
            &url,
            &["payment-provider", "--tenant", "demo", "--provider", "stripe"],
        );
        assert_eq!(refused.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("api_key is required"));
        let refunds = settle(&dir, &url, &["refunds", "--tenant", "demo"]);
        assert_eq!(refunds.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&refunds.stdout).contains("No open refund tasks"));

        if let Some((admin, name)) = cleanup {
            if let Ok(conn) = Database::connect(&admin).await {
                let _ = conn
                    .execute_raw(Statement::from_string(
                        DbBackend::Postgres,
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ))
                    .await;
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
