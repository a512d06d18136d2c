//! A DKIM verifier for tests (RFC 6376 with relaxed/relaxed canonicalization; rsa-sha256 and
//! ed25519-sha256 per RFC 8463), reading the public key from the TXT value instead of DNS. It is
//! written from the RFC, independently of the signer, so a signature lettre got wrong fails here.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Relaxed body: runs of whitespace become one space, none at line ends, no empty lines at the end.
fn body_relaxed(body: &str) -> String {
    let mut lines: Vec<String> = body
        .split("\r\n")
        .map(|l| {
            let mut t = String::new();
            let mut space = false;
            for c in l.chars() {
                if c == ' ' || c == '\t' {
                    space = true;
                } else {
                    if space {
                        t.push(' ');
                    }
                    space = false;
                    t.push(c);
                }
            }
            t
        })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        return String::new();
    }
    lines.join("\r\n") + "\r\n"
}

/// (lower-case name, unfolded value) of every header, in order.
fn headers(head: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = out.last_mut() {
                last.2.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), name.to_string(), value.to_string()));
        }
    }
    out
}

fn header_relaxed(name: &str, value: &str) -> String {
    format!("{}:{}", name.to_ascii_lowercase(), squeeze(value.trim()))
}

fn tags(v: &str) -> Vec<(String, String)> {
    v.split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.chars().filter(|c| !c.is_whitespace()).collect()))
        .collect()
}

/// Checks the first DKIM-Signature of `raw` against `txt` (`v=DKIM1; k=...; p=...`).
pub fn verify(raw: &str, txt: &str) -> Result<(), String> {
    let (head, body) = raw.split_once("\r\n\r\n").ok_or("no body")?;
    let all = headers(head);
    let sig = all
        .iter()
        .find(|(n, _, _)| n == "dkim-signature")
        .ok_or("no DKIM-Signature")?;
    let t = tags(&sig.2);
    let tag = |k: &str| {
        t.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if tag("c") != "relaxed/relaxed" {
        return Err(format!("canonicalization {}", tag("c")));
    }
    let bh = STANDARD.encode(Sha256::digest(body_relaxed(body).as_bytes()));
    if bh != tag("bh") {
        return Err("body hash differs".into());
    }
    let mut data = String::new();
    let mut used = vec![false; all.len()];
    for name in tag("h").split(':') {
        let name = name.trim().to_ascii_lowercase();
        // The last unused instance of the header, as RFC 6376 5.4.2 says.
        if let Some(i) = (0..all.len()).rev().find(|&i| !used[i] && all[i].0 == name) {
            used[i] = true;
            data.push_str(&header_relaxed(&all[i].1, &all[i].2));
            data.push_str("\r\n");
        }
    }
    // The signature header itself, with an empty b= and no final CRLF.
    let unsigned: Vec<String> = sig
        .2
        .split(';')
        .map(|seg| match seg.trim_start().strip_prefix("b=") {
            Some(_) => format!("{}b=", &seg[..seg.len() - seg.trim_start().len()]),
            None => seg.to_string(),
        })
        .collect();
    let unsigned = unsigned.join(";");
    data.push_str(&header_relaxed(&sig.1, &unsigned));
    let hash = Sha256::digest(data.as_bytes());
    let signature = STANDARD.decode(tag("b")).map_err(|e| e.to_string())?;
    let key_tags = tags(txt);
    let p = key_tags
        .iter()
        .find(|(k, _)| k == "p")
        .map(|(_, v)| v.clone())
        .ok_or("no p=")?;
    let public = STANDARD.decode(p).map_err(|e| e.to_string())?;
    match tag("a").as_str() {
        "ed25519-sha256" => {
            let key = ed25519_dalek::VerifyingKey::from_bytes(&public.try_into().map_err(|_| "key length")?)
                .map_err(|e| e.to_string())?;
            let sig = ed25519_dalek::Signature::from_slice(&signature).map_err(|e| e.to_string())?;
            key.verify_strict(&hash, &sig).map_err(|e| e.to_string())
        }
        "rsa-sha256" => {
            use rsa::pkcs8::DecodePublicKey;
            let key = rsa::RsaPublicKey::from_public_key_der(&public).map_err(|e| e.to_string())?;
            key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &hash, &signature)
                .map_err(|e| e.to_string())
        }
        other => Err(format!("algorithm {other}")),
    }
}
