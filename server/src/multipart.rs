//! Reading a multipart form with one file: text fields capped (a little over what any rule
//! allows, so the rules still say "too long"), the file read up to one byte past its limit and
//! no further, so the caller can say "too large" without holding more.
use actix_multipart::Multipart;
use futures_util::StreamExt;
use std::collections::HashMap;

#[derive(Default)]
pub struct Parts {
    pub text: HashMap<String, String>,
    /// The file field's name as sent and its bytes; `None` when no file was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

impl Parts {
    pub fn field(&self, name: &str) -> &str {
        self.text.get(name).map_or("", String::as_str)
    }
}

/// Reads `form`; `file_field` up to `file_limit + 1` bytes, every other field up to `text_cap`.
/// `Err` when the body breaks off or is not multipart.
pub async fn read(mut form: Multipart, file_field: &str, file_limit: usize, text_cap: usize) -> Result<Parts, ()> {
    let mut parts = Parts::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| ())?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let cap = if name == file_field { file_limit + 1 } else { text_cap };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| ())?;
            let room = cap.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if name == file_field {
            if !bytes.is_empty() {
                parts.file = Some((file_name.unwrap_or_default(), bytes));
            }
        } else {
            parts.text.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(parts)
}
