//! An SMTP sink on loopback: accepts any number of sessions and keeps every message's DATA.
//! It can be told to go silent after a number of messages (it keeps each message but never
//! acknowledges it), like a server that dies mid-session, and to come back; to refuse recipients
//! with a 4xx or 5xx reply; and to answer the end of a message slowly.
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct Sink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    /// Messages beyond this many are kept but never acknowledged.
    silent_after: Arc<AtomicUsize>,
    rules: Arc<Mutex<Rules>>,
}

#[derive(Default)]
struct Rules {
    /// The reply to `RCPT TO` for any recipient (e.g. "451 4.7.1 greylisted"); None accepts.
    every_recipient: Option<String>,
    /// The reply to `RCPT TO` for one address.
    recipient: HashMap<String, String>,
    /// How long the server waits before acknowledging a message it has kept.
    ack_delay: Duration,
}

impl Sink {
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    /// Each message exactly as the client meant it: CRLF line ends, dot-stuffing undone (what
    /// a DKIM verifier reads).
    pub fn raw_messages(&self) -> Vec<String> {
        self.messages().iter().map(|m| m.replace('\n', "\r\n")).collect()
    }

    pub fn go_silent_after(&self, n: usize) {
        self.silent_after.store(n, Ordering::SeqCst);
    }

    pub fn answer_again(&self) {
        self.silent_after.store(usize::MAX, Ordering::SeqCst);
    }

    /// Every `RCPT TO` gets this reply (a full line, like "451 4.7.1 try later"); None: accepted.
    pub fn refuse_every_recipient(&self, reply: Option<&str>) {
        self.rules.lock().unwrap().every_recipient = reply.map(str::to_string);
    }

    /// `RCPT TO:<address>` gets this reply.
    pub fn refuse_recipient(&self, address: &str, reply: &str) {
        let mut r = self.rules.lock().unwrap();
        r.recipient.insert(address.to_ascii_lowercase(), reply.to_string());
    }

    /// Each message is kept at once and acknowledged only after this long.
    pub fn acknowledge_after(&self, delay: Duration) {
        self.rules.lock().unwrap().ack_delay = delay;
    }

    /// The Message-ID of every message the server holds, in order of arrival.
    pub fn message_ids(&self) -> Vec<String> {
        self.messages()
            .iter()
            .filter_map(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("Message-ID: ").map(|v| v.trim().to_string()))
            })
            .collect()
    }

    /// Every one of `rows` is sent and arrived once, or twice (the documented resend after an
    /// interruption, with the same Message-ID) only if it was among `before`, what the server
    /// held when the interrupted run ended. Returns how many arrived twice.
    pub fn assert_sent_once_or_resent(
        &self,
        rows: &[settle_core::entities::outbox::Model],
        before: &[String],
    ) -> usize {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for id in self.message_ids() {
            *seen.entry(id).or_default() += 1;
        }
        let mut resent = 0;
        for row in rows {
            let id = row.message_id.clone().unwrap();
            let n = seen.get(&id).copied().unwrap_or(0);
            assert_eq!(row.status, "sent", "{id}");
            assert!(n >= 1, "{id} was lost");
            assert!(n <= 2, "{id} sent {n} times");
            if n == 2 {
                assert!(before.contains(&id), "only a message in flight is sent again: {id}");
                resent += 1;
            }
        }
        resent
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

pub async fn smtp_sink() -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink = Sink {
        port: listener.local_addr().unwrap().port(),
        messages: Arc::default(),
        silent_after: Arc::new(AtomicUsize::new(usize::MAX)),
        rules: Arc::default(),
    };
    let store = sink.messages.clone();
    let silent = sink.silent_after.clone();
    let rules = sink.rules.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            let silent = silent.clone();
            let rules = rules.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            let n = {
                                let mut s = store.lock().unwrap();
                                s.push(std::mem::take(&mut data));
                                s.len()
                            };
                            if n > silent.load(Ordering::SeqCst) {
                                // Kept, never acknowledged: the sender cannot know it arrived.
                                std::future::pending::<()>().await;
                            }
                            let delay = rules.lock().unwrap().ack_delay;
                            tokio::time::sleep(delay).await;
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else {
                            data.push_str(
                                line.strip_prefix('.')
                                    .filter(|_| line.starts_with(".."))
                                    .unwrap_or(&line),
                            );
                            data.push('\n');
                        }
                        continue;
                    }
                    let cmd = line.to_ascii_uppercase();
                    if cmd.starts_with("MAIL FROM:") {
                        // Kept with the message, so tests can read the envelope sender (VERP).
                        data.push_str(&format!("X-Envelope-From: {}\n", &line[10..]));
                    }
                    if cmd.starts_with("RCPT TO:") {
                        let address = line[8..]
                            .trim()
                            .trim_matches(|c| c == '<' || c == '>')
                            .to_ascii_lowercase();
                        let refusal = {
                            let r = rules.lock().unwrap();
                            r.recipient.get(&address).or(r.every_recipient.as_ref()).cloned()
                        };
                        if let Some(reply) = refusal {
                            // The message this envelope began is dropped; the client resets.
                            data.clear();
                            let _ = w.write_all(format!("{reply}\r\n").as_bytes()).await;
                            continue;
                        }
                    }
                    if cmd.starts_with("RSET") {
                        data.clear();
                    }
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if cmd.starts_with("DATA") {
                        in_data = true;
                        b"354 go\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    sink
}
