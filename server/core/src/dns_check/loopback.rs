//! A tiny authoritative DNS server on loopback for tests and the offline demo.
//!
//! [`serve`] answers TXT queries over UDP from a fixed map of names to TXT values, so that
//! [`super::check`] can be exercised without the internet. It is deliberately minimal: one zone
//! of TXT records, no SOA, no TCP (an answer larger than the client's UDP size is sent with the
//! TC bit, as a real server would before the client retries over TCP).

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use hickory_resolver::proto::op::{Edns, Message, MessageType, OpCode, ResponseCode};
use hickory_resolver::proto::rr::rdata::TXT;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use tokio::net::UdpSocket;

/// TTL of the answers; nothing caches them for long.
const TTL: u32 = 60;
/// Largest character-string in a TXT record (RFC 1035 §3.3).
const MAX_STRING: usize = 255;

/// Binds UDP on `127.0.0.1:0`, spawns a task (on the current tokio runtime) that answers queries
/// from `records` and returns the address to give [`super::check`].
///
/// Each entry is a name (case-insensitive, trailing dot optional) and the TXT records at it, one
/// value per record; values longer than 255 bytes are split into several character-strings.
/// Entries with the same name are merged. A known name answers TXT queries with its records and
/// other types with no records; a name that only exists below (e.g. `_domainkey.example.nl`
/// when `s1._domainkey.example.nl` is known) answers with no records; anything else is NXDOMAIN.
///
/// The server runs until the runtime shuts down.
pub async fn serve(records: Vec<(String, Vec<String>)>) -> std::io::Result<SocketAddr> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = socket.local_addr()?;
    let mut zone: HashMap<String, Vec<String>> = HashMap::new();
    for (name, values) in records {
        zone.entry(key(&name)).or_default().extend(values);
    }
    tokio::spawn(run(socket, Arc::new(zone)));
    Ok(addr)
}

async fn run(socket: UdpSocket, zone: Arc<HashMap<String, Vec<String>>>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let (len, peer) = match socket.recv_from(&mut buf).await {
            Ok(received) => received,
            Err(error) => {
                // UDP receive errors (e.g. an ICMP unreachable for an earlier answer) are per
                // datagram; keep serving.
                tracing::debug!(%error, "loopback dns: receive failed");
                continue;
            }
        };
        let Some(query) = buf.get(..len).and_then(|bytes| Message::from_vec(bytes).ok()) else {
            tracing::debug!(%peer, "loopback dns: undecodable datagram ignored");
            continue;
        };
        if query.metadata.message_type != MessageType::Query {
            continue;
        }
        let response = answer(&zone, &query);
        let bytes = match response.to_vec() {
            Ok(bytes) if bytes.len() <= usize::from(query.max_payload()) => Ok(bytes),
            Ok(_) => response.truncate().to_vec(),
            Err(error) => Err(error),
        };
        match bytes {
            Ok(bytes) => {
                if let Err(error) = socket.send_to(&bytes, peer).await {
                    tracing::debug!(%error, %peer, "loopback dns: send failed");
                }
            }
            Err(error) => tracing::debug!(%error, "loopback dns: could not encode the answer"),
        }
    }
}

fn answer(zone: &HashMap<String, Vec<String>>, query: &Message) -> Message {
    let mut response = Message::response(query.metadata.id, query.metadata.op_code);
    response.metadata.recursion_desired = query.metadata.recursion_desired;
    response.metadata.authoritative = true;
    response.add_queries(query.queries.iter().cloned());
    if query.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        response.set_edns(edns);
    }
    let question = match query.queries.as_slice() {
        [question] if query.metadata.op_code == OpCode::Query => question,
        [_] => {
            response.metadata.response_code = ResponseCode::NotImp;
            return response;
        }
        _ => {
            response.metadata.response_code = ResponseCode::FormErr;
            return response;
        }
    };
    let asked = key_of(&question.name);
    match zone.get(&asked) {
        Some(values) => {
            if matches!(question.query_type, RecordType::TXT | RecordType::ANY) {
                for value in values {
                    response.add_answer(Record::from_rdata(question.name.clone(), TTL, RData::TXT(txt(value))));
                }
            }
        }
        None => {
            let below = format!(".{asked}");
            if !zone.keys().any(|known| known.ends_with(&below)) {
                response.metadata.response_code = ResponseCode::NXDomain;
            }
        }
    }
    response
}

/// A TXT record holding `value`, split into character-strings of at most 255 bytes.
fn txt(value: &str) -> TXT {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        TXT::from_bytes(vec![bytes])
    } else {
        TXT::from_bytes(bytes.chunks(MAX_STRING).collect())
    }
}

/// Lower-case ASCII (punycode) form without the trailing dot; falls back to the plain lower-case
/// text for names hickory does not parse.
fn key(name: &str) -> String {
    let trimmed = name.trim().trim_end_matches('.');
    match Name::from_utf8(format!("{trimmed}.")) {
        Ok(parsed) => key_of(&parsed),
        Err(_) => trimmed.to_ascii_lowercase(),
    }
}

fn key_of(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}
