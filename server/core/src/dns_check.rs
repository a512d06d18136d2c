//! Live check whether a creditor has published the mail DNS records (SPF, DKIM, DMARC) that
//! Settle tells them to publish.
//!
//! [`check`] asks DNS for the TXT records at each name, concurrently, and judges what it finds
//! against what Settle expects there. The result is meant for display next to the instructions
//! ("published", "published but wrong: …", "not found yet", "could not check"), so every failure
//! to ask DNS becomes [`Status::Unchecked`] instead of an error, and the function never waits
//! (much) longer than the given timeout.
//!
//! [`loopback::serve`] is a tiny authoritative DNS server on loopback for tests and the offline
//! demo; point [`check`] at it with `Some(addr)`.
//!
//! Record values are logged at debug level only.

pub mod loopback;

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::future::join_all;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::rdata::TXT;
use hickory_resolver::proto::rr::{Name, RData};
use hickory_resolver::TokioResolver;

/// What Settle told the creditor to publish at a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// An SPF policy (`v=spf1 … -all` or `~all`) at the sending domain.
    Spf,
    /// A DKIM key record at `selector._domainkey.domain` carrying this public key (base64, as in
    /// the `p=` tag; whitespace is ignored on both sides).
    Dkim { public_key_b64: String },
    /// A DMARC policy (`v=DMARC1; p=none|quarantine|reject`) at `_dmarc.domain`.
    Dmarc,
}

/// A name to look up and what should be published there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The owner name, e.g. `example.nl`, `s1._domainkey.example.nl`, `_dmarc.example.nl`
    /// (a trailing dot is optional; the name is always looked up as fully qualified).
    pub name: String,
    pub expect: Expect,
}

/// What DNS says about one [`Record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Published and right.
    Ok,
    /// Something is published but not right; the string is what was found (several records
    /// joined by ` | `, truncated to about 200 characters), for display.
    Wrong(String),
    /// The name has no matching TXT record (no such name, no TXT at it, or none of the TXT
    /// records is of the expected kind).
    Missing,
    /// DNS could not be asked (timeout, no resolver configuration, network error, server
    /// failure, or a name that is not a valid domain name).
    Unchecked,
}

impl Status {
    fn kind(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Wrong(_) => "wrong",
            Status::Missing => "missing",
            Status::Unchecked => "unchecked",
        }
    }
}

/// How much of a wrong record [`Status::Wrong`] shows.
const SHOWN_CHARS: usize = 200;

/// Looks up the TXT records at every `records[i].name` and judges them against
/// `records[i].expect`; the result has one [`Status`] per record, in the same order.
///
/// `server: None` uses the system resolver configuration (`/etc/resolv.conf`); `Some(addr)` asks
/// exactly that name server (UDP, TCP when the answer is truncated). The lookups run
/// concurrently, each cut off after `timeout`, so the whole check takes about `timeout` at most.
pub async fn check(server: Option<SocketAddr>, records: &[Record], timeout: Duration) -> Vec<Status> {
    if records.is_empty() {
        return Vec::new();
    }
    let Some(resolver) = resolver(server, timeout) else {
        return vec![Status::Unchecked; records.len()];
    };
    join_all(records.iter().map(|record| check_one(&resolver, record, timeout))).await
}

/// A resolver that asks once (hickory's `attempts` counts retries; the per-lookup cut-off in
/// [`check_one`] keeps a retry inside the same budget), without caching across calls and
/// without the hosts file.
fn resolver(server: Option<SocketAddr>, timeout: Duration) -> Option<TokioResolver> {
    let mut builder = match server {
        None => match TokioResolver::builder_tokio() {
            Ok(builder) => builder,
            Err(error) => {
                tracing::warn!(%error, "dns check: no usable system resolver configuration");
                return None;
            }
        },
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let name_server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![name_server]),
                TokioRuntimeProvider::default(),
            )
        }
    };
    let options = builder.options_mut();
    options.timeout = timeout;
    options.attempts = 1;
    options.use_hosts_file = ResolveHosts::Never;
    match builder.build() {
        Ok(resolver) => Some(resolver),
        Err(error) => {
            tracing::warn!(%error, "dns check: could not build the resolver");
            None
        }
    }
}

async fn check_one(resolver: &TokioResolver, record: &Record, timeout: Duration) -> Status {
    let Some(name) = fqdn(&record.name) else {
        tracing::debug!(name = %record.name, "dns check: not a valid domain name");
        return Status::Unchecked;
    };
    let found: Vec<String> = match tokio::time::timeout(timeout, resolver.txt_lookup(name)).await {
        Err(_elapsed) => {
            tracing::debug!(name = %record.name, "dns check: timed out");
            return Status::Unchecked;
        }
        // NXDOMAIN, or the name exists without TXT records.
        Ok(Err(error)) if error.is_no_records_found() => Vec::new(),
        Ok(Err(error)) => {
            tracing::debug!(name = %record.name, %error, "dns check: lookup failed");
            return Status::Unchecked;
        }
        // The answers may also hold the CNAME chain that led to the TXT records.
        Ok(Ok(lookup)) => lookup
            .answers()
            .iter()
            .filter_map(|answer| match &answer.data {
                RData::TXT(txt) => Some(txt_value(txt)),
                _ => None,
            })
            .collect(),
    };
    let status = judge(&record.expect, &found);
    tracing::debug!(name = %record.name, ?found, status = status.kind(), "dns check");
    status
}

/// The name as a fully qualified domain name, so that no search domain is appended.
fn fqdn(name: &str) -> Option<Name> {
    let name = name.trim().trim_end_matches('.');
    if name.is_empty() {
        return None;
    }
    Name::from_utf8(format!("{name}.")).ok()
}

/// One TXT record's character-strings concatenated (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
fn txt_value(txt: &TXT) -> String {
    let bytes: Vec<u8> = txt.txt_data.iter().flat_map(|s| s.iter().copied()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn judge(expect: &Expect, found: &[String]) -> Status {
    match expect {
        Expect::Spf => judge_spf(found),
        Expect::Dkim { public_key_b64 } => judge_dkim(public_key_b64, found),
        Expect::Dmarc => judge_dmarc(found),
    }
}

/// RFC 7208 §4.5: records beginning with `v=spf1` followed by a space or nothing; more than one
/// is a permanent error. Settle asks for a policy that ends in `-all` or `~all`.
fn judge_spf(found: &[String]) -> Status {
    let spf: Vec<&String> = found.iter().filter(|txt| is_spf(txt)).collect();
    match spf.as_slice() {
        [] => Status::Missing,
        [one] => {
            let last = one.split_ascii_whitespace().last().unwrap_or_default();
            if last.eq_ignore_ascii_case("-all") || last.eq_ignore_ascii_case("~all") {
                Status::Ok
            } else {
                Status::Wrong(shown(&spf))
            }
        }
        _ => Status::Wrong(shown(&spf)),
    }
}

fn is_spf(txt: &str) -> bool {
    let bytes = txt.as_bytes();
    bytes
        .get(..6)
        .is_some_and(|version| version.eq_ignore_ascii_case(b"v=spf1"))
        && bytes.get(6).is_none_or(u8::is_ascii_whitespace)
}

/// RFC 6376 §3.6.1: a key record is a tag list with a `p=` tag (empty when revoked); tag names
/// are case-sensitive. Every key record at the name has to carry the expected key, since a
/// verifier may pick any of them.
fn judge_dkim(public_key_b64: &str, found: &[String]) -> Status {
    let expected = without_whitespace(public_key_b64);
    let mut dkim = Vec::new();
    let mut all_match = true;
    for txt in found {
        let tags = tags(txt);
        let key = tags
            .iter()
            .find(|(tag, _)| *tag == "p")
            .map(|(_, value)| without_whitespace(value));
        let versioned = tags
            .first()
            .is_some_and(|(tag, value)| *tag == "v" && *value == "DKIM1");
        if key.is_none() && !versioned {
            continue;
        }
        all_match &= !expected.is_empty() && key.as_deref() == Some(expected.as_str());
        dkim.push(txt);
    }
    if dkim.is_empty() {
        Status::Missing
    } else if all_match {
        Status::Ok
    } else {
        Status::Wrong(shown(&dkim))
    }
}

/// RFC 7489 §6.3: a record whose first tag is `v=DMARC1` (the value exactly); more than one
/// means no policy applies. `p=` has to be one of the three policies.
fn judge_dmarc(found: &[String]) -> Status {
    let dmarc: Vec<&String> = found
        .iter()
        .filter(|txt| {
            tags(txt)
                .first()
                .is_some_and(|(tag, value)| tag.eq_ignore_ascii_case("v") && *value == "DMARC1")
        })
        .collect();
    match dmarc.as_slice() {
        [] => Status::Missing,
        [one] => {
            let policy = tags(one)
                .into_iter()
                .find(|(tag, _)| tag.eq_ignore_ascii_case("p"))
                .map(|(_, value)| value);
            match policy {
                Some(p)
                    if ["none", "quarantine", "reject"]
                        .iter()
                        .any(|known| p.eq_ignore_ascii_case(known)) =>
                {
                    Status::Ok
                }
                _ => Status::Wrong(shown(&dmarc)),
            }
        }
        _ => Status::Wrong(shown(&dmarc)),
    }
}

/// `tag=value` pairs separated by `;`, trimmed; parts without `=` are skipped.
fn tags(txt: &str) -> Vec<(&str, &str)> {
    txt.split(';')
        .filter_map(|part| part.split_once('='))
        .map(|(tag, value)| (tag.trim(), value.trim()))
        .collect()
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What was found, for display: records joined by ` | `, control characters replaced, cut to
/// [`SHOWN_CHARS`].
fn shown(records: &[&String]) -> String {
    let joined = records
        .iter()
        .map(|record| record.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    let mut chars = joined.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c });
    let mut out: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const TIMEOUT: Duration = Duration::from_secs(2);
    const KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvY2JmSmlmmuzwmcGmYJCqHrNM1nP0sbgnBQX3m0ZVbr0T6vZ1rz4Yw3I+g8GFR0nVPp4e0s9w7CFQ8sSQzGvTtNb3k9C7Kk2wMJ7vS6o3m8z9oYbF6G1P2hT2XvR5mA0n4L2oU1gT9eY3yX8wR6dJ7kQ5bN1cV0zH4sA2fE9gK3jL8mP6qR1tU5vW7xY0zB2cD4eF6gH8iJ0kL2mN4oP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4iJ6kL8mN0oP2qR4sT6uV8wX0yZ2aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR6sT8uV0wX2yZ4aB6cD8eF0gH2iJ4kL6mN8oP0qR2sT4uV6wX8yZ0aB2cD4eF6gH8iJ0kL2mN4oP6QIDAQAB";

    fn rec(name: &str, expect: Expect) -> Record {
        Record {
            name: name.to_owned(),
            expect,
        }
    }

    fn dkim(name: &str) -> Record {
        rec(
            name,
            Expect::Dkim {
                public_key_b64: KEY.to_owned(),
            },
        )
    }

    fn zone(entries: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        entries
            .iter()
            .map(|(name, values)| ((*name).to_owned(), values.iter().map(|v| (*v).to_owned()).collect()))
            .collect()
    }

    async fn run(entries: &[(&str, &[&str])], records: &[Record]) -> Vec<Status> {
        let addr = match loopback::serve(zone(entries)).await {
            Ok(addr) => addr,
            Err(error) => panic!("loopback server: {error}"),
        };
        check(Some(addr), records, TIMEOUT).await
    }

    fn is_wrong(status: &Status) -> bool {
        matches!(status, Status::Wrong(_))
    }

    #[tokio::test]
    async fn spf_statuses() {
        let statuses = run(
            &[
                ("ok.test", &["v=spf1 include:_spf.settle.test -all"]),
                ("soft.test", &["V=SPF1 mx ~ALL"]),
                ("neutral.test", &["v=spf1 include:_spf.settle.test ?all"]),
                ("pass.test", &["v=spf1 +all"]),
                ("noall.test", &["v=spf1 include:_spf.settle.test"]),
                ("other.test", &["google-site-verification=abc", "v=spf10 -all"]),
                ("dup.test", &["v=spf1 -all", "v=spf1 mx -all"]),
                (
                    "mixed.test",
                    &["v=spf1 include:_spf.settle.test -all", "some-verification=1"],
                ),
            ],
            &[
                rec("ok.test", Expect::Spf),
                rec("soft.test.", Expect::Spf),
                rec("neutral.test", Expect::Spf),
                rec("pass.test", Expect::Spf),
                rec("noall.test", Expect::Spf),
                rec("other.test", Expect::Spf),
                rec("nowhere.test", Expect::Spf),
                rec("dup.test", Expect::Spf),
                rec("mixed.test", Expect::Spf),
            ],
        )
        .await;
        assert_eq!(statuses[0], Status::Ok);
        assert_eq!(statuses[1], Status::Ok);
        assert_eq!(
            statuses[2],
            Status::Wrong("v=spf1 include:_spf.settle.test ?all".into())
        );
        assert!(is_wrong(&statuses[3]), "{:?}", statuses[3]);
        assert!(is_wrong(&statuses[4]), "{:?}", statuses[4]);
        assert_eq!(statuses[5], Status::Missing);
        assert_eq!(statuses[6], Status::Missing);
        match &statuses[7] {
            Status::Wrong(found) => {
                assert!(found.contains("v=spf1 -all") && found.contains("v=spf1 mx -all"));
                assert!(found.contains(" | "));
            }
            other => panic!("duplicate SPF: {other:?}"),
        }
        assert_eq!(statuses[8], Status::Ok);
    }

    #[tokio::test]
    async fn dkim_statuses() {
        // Published the way DNS providers show it: split into character-strings and with a
        // space inside the key.
        let (head, tail) = KEY.split_at(100);
        let spaced = format!("v=DKIM1; k=rsa; p={head} {tail}");
        let other = format!("v=DKIM1; k=rsa; p={}", KEY.replace('A', "B"));
        let statuses = run(
            &[
                ("s1._domainkey.ok.test", &[spaced.as_str(), "unrelated"]),
                ("s1._domainkey.bare.test", &[&format!("p={KEY}")]),
                ("s1._domainkey.other.test", &[other.as_str()]),
                ("s1._domainkey.revoked.test", &["v=DKIM1; k=rsa; p="]),
                ("s1._domainkey.nokey.test", &["v=DKIM1; k=rsa"]),
                ("s1._domainkey.junk.test", &["hello world"]),
                (
                    "s1._domainkey.dup.test",
                    &[&format!("v=DKIM1; p={KEY}"), other.as_str()],
                ),
                (
                    "s1._domainkey.same.test",
                    &[&format!("v=DKIM1; p={KEY}"), &format!("v=DKIM1;p={KEY};")],
                ),
            ],
            &[
                dkim("s1._domainkey.ok.test"),
                dkim("S1._DomainKey.OK.test"),
                dkim("s1._domainkey.bare.test"),
                dkim("s1._domainkey.other.test"),
                dkim("s1._domainkey.revoked.test"),
                dkim("s1._domainkey.nokey.test"),
                dkim("s1._domainkey.junk.test"),
                dkim("s2._domainkey.ok.test"),
                dkim("s1._domainkey.dup.test"),
                dkim("s1._domainkey.same.test"),
            ],
        )
        .await;
        assert_eq!(statuses[0], Status::Ok);
        assert_eq!(statuses[1], Status::Ok, "names are case-insensitive");
        assert_eq!(statuses[2], Status::Ok);
        match &statuses[3] {
            Status::Wrong(found) => {
                assert!(found.starts_with("v=DKIM1; k=rsa; p=MIIBIjBNBgkqhkiG9w0BBQEFBBOCBQ8BMIIBCgKCBQEB"));
                assert!(found.ends_with('…'));
                assert_eq!(found.chars().count(), SHOWN_CHARS + 1);
            }
            other => panic!("other key: {other:?}"),
        }
        assert_eq!(statuses[4], Status::Wrong("v=DKIM1; k=rsa; p=".into()));
        assert_eq!(statuses[5], Status::Wrong("v=DKIM1; k=rsa".into()));
        assert_eq!(statuses[6], Status::Missing);
        assert_eq!(statuses[7], Status::Missing);
        assert!(is_wrong(&statuses[8]), "{:?}", statuses[8]);
        assert_eq!(statuses[9], Status::Ok);
    }

    #[tokio::test]
    async fn dmarc_statuses() {
        let statuses = run(
            &[
                ("_dmarc.none.test", &["v=DMARC1; p=none; rua=mailto:d@none.test"]),
                ("_dmarc.quarantine.test", &["v=DMARC1;p=quarantine"]),
                ("_dmarc.reject.test", &["v=DMARC1; p=Reject; pct=100"]),
                ("_dmarc.bad.test", &["v=DMARC1; p=block"]),
                ("_dmarc.nop.test", &["v=DMARC1; rua=mailto:d@nop.test"]),
                ("_dmarc.dup.test", &["v=DMARC1; p=none", "v=DMARC1; p=reject"]),
                ("_dmarc.other.test", &["v=spf1 -all", "v=dmarc1; p=none"]),
            ],
            &[
                rec("_dmarc.none.test", Expect::Dmarc),
                rec("_dmarc.quarantine.test", Expect::Dmarc),
                rec("_dmarc.reject.test", Expect::Dmarc),
                rec("_dmarc.bad.test", Expect::Dmarc),
                rec("_dmarc.nop.test", Expect::Dmarc),
                rec("_dmarc.dup.test", Expect::Dmarc),
                rec("_dmarc.other.test", Expect::Dmarc),
                rec("_dmarc.nowhere.test", Expect::Dmarc),
            ],
        )
        .await;
        assert_eq!(statuses[0], Status::Ok);
        assert_eq!(statuses[1], Status::Ok);
        assert_eq!(statuses[2], Status::Ok);
        assert_eq!(statuses[3], Status::Wrong("v=DMARC1; p=block".into()));
        assert!(is_wrong(&statuses[4]), "{:?}", statuses[4]);
        assert_eq!(
            statuses[5],
            Status::Wrong("v=DMARC1; p=none | v=DMARC1; p=reject".into())
        );
        assert_eq!(statuses[6], Status::Missing);
        assert_eq!(statuses[7], Status::Missing);
    }

    /// A value longer than 255 bytes goes out as several character-strings and comes back as
    /// one record; a record already split by the publisher is joined without a separator.
    #[tokio::test]
    async fn long_txt_is_split_and_joined() {
        let long_spf = format!(
            "v=spf1 {} -all",
            (0..40)
                .map(|i| format!("ip4:192.0.2.{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert!(long_spf.len() > 255);
        let key_record = format!("v=DKIM1; k=rsa; p={KEY}");
        assert!(key_record.len() > 255);
        let statuses = run(
            &[
                ("long.test", &[long_spf.as_str()]),
                ("s1._domainkey.long.test", &[key_record.as_str()]),
                ("_dmarc.long.test", &["v=DMARC1; p=reject"]),
            ],
            &[
                rec("long.test", Expect::Spf),
                dkim("s1._domainkey.long.test"),
                rec("_dmarc.long.test", Expect::Dmarc),
            ],
        )
        .await;
        assert_eq!(statuses, vec![Status::Ok, Status::Ok, Status::Ok]);

        let txt = TXT::from_bytes(vec![b"v=spf1 include:a".as_slice(), b".test -all"]);
        assert_eq!(txt_value(&txt), "v=spf1 include:a.test -all");
        assert_eq!(
            judge(&Expect::Spf, &[txt_value(&txt)]),
            Status::Ok,
            "joined without a space"
        );
    }

    #[tokio::test]
    async fn unchecked_when_nobody_answers() {
        // A UDP socket that receives the queries but never replies.
        let silent = match tokio::net::UdpSocket::bind(("127.0.0.1", 0)).await {
            Ok(socket) => socket,
            Err(error) => panic!("bind: {error}"),
        };
        let addr = match silent.local_addr() {
            Ok(addr) => addr,
            Err(error) => panic!("local_addr: {error}"),
        };
        let timeout = Duration::from_millis(300);
        let started = Instant::now();
        let statuses = check(
            Some(addr),
            &[
                rec("example.test", Expect::Spf),
                dkim("s1._domainkey.example.test"),
                rec("_dmarc.example.test", Expect::Dmarc),
            ],
            timeout,
        )
        .await;
        let elapsed = started.elapsed();
        assert_eq!(statuses, vec![Status::Unchecked; 3]);
        assert!(
            elapsed < Duration::from_millis(1500),
            "lookups ran concurrently and were cut off: {elapsed:?}"
        );
        drop(silent);
    }

    /// The loopback server has no TCP: an answer too large for UDP comes back truncated, the
    /// TCP retry is refused, and the record counts as not checked (quickly).
    #[tokio::test]
    async fn oversized_answer_is_unchecked() {
        let huge = format!("v=spf1 {} -all", "a".repeat(2000));
        let started = Instant::now();
        let statuses = run(&[("big.test", &[huge.as_str()])], &[rec("big.test", Expect::Spf)]).await;
        assert_eq!(statuses, vec![Status::Unchecked]);
        assert!(started.elapsed() < TIMEOUT);
    }

    #[tokio::test]
    async fn invalid_name_and_empty_input() {
        let addr = match loopback::serve(Vec::new()).await {
            Ok(addr) => addr,
            Err(error) => panic!("loopback server: {error}"),
        };
        assert_eq!(check(Some(addr), &[], TIMEOUT).await, Vec::new());
        let statuses = check(Some(addr), &[rec("", Expect::Spf), rec("a..b", Expect::Dmarc)], TIMEOUT).await;
        assert_eq!(statuses, vec![Status::Unchecked; 2]);
    }

    /// The system resolver cannot reach the internet here; whatever it says, it must say it
    /// within the budget and never claim a record is there.
    #[tokio::test]
    async fn system_resolver_is_bounded() {
        let timeout = Duration::from_millis(300);
        let started = Instant::now();
        let statuses = check(None, &[rec("settle-check.invalid", Expect::Spf)], timeout).await;
        assert!(started.elapsed() < Duration::from_millis(1500));
        assert_eq!(statuses.len(), 1);
        assert_ne!(statuses[0], Status::Ok);
    }

    #[test]
    fn check_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let records = [rec("example.test", Expect::Spf)];
        assert_send(&check(None, &records, TIMEOUT));
    }

    #[test]
    fn shown_is_truncated_on_char_boundaries() {
        let long = "é".repeat(300);
        let cut = shown(&[&long]);
        assert_eq!(cut.chars().count(), SHOWN_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(shown(&[&"a\u{0}b".to_owned()]), "a\u{fffd}b");
    }
}
