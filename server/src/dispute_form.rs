//! `POST /invoices/{number}/dispute`: a multipart form (reason, text, optional attachment). The
//! attachment is read up to one byte past the limit and no further; everything is checked
//! before anything is written.
use crate::forms::{back, caller, codes, csrf_ok, notice, one, see_other, tenant_of};
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use settle_app::ssr::{client_ip, identity_scope, urlencode};
use settle_core::error::ServiceError;
use settle_core::services::disputes::{self, NewDispute, Upload};
use settle_core::state::AppState;
use settle_domain::disputes::{MAX_ATTACHMENT_BYTES, MAX_TEXT};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/invoices/{number}/dispute")
            .guard(actix_web::guard::Post())
            .to(dispute),
    );
}

#[derive(Default)]
struct Fields {
    csrf: String,
    reason: String,
    text: String,
    attachment: Option<Upload>,
}

/// Reads the form; text fields are capped (a little over what the rules allow, so the rules
/// still say "too long"), the file at the limit plus one byte.
async fn read(mut form: Multipart) -> Result<Fields, &'static str> {
    let mut f = Fields::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| "form")?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let cap = if name == "attachment" {
            MAX_ATTACHMENT_BYTES + 1
        } else {
            MAX_TEXT * 4 + 64
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| "form")?;
            let room = cap.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => f.csrf = text(),
            "reason" => f.reason = text(),
            "text" => f.text = text(),
            "attachment" if !bytes.is_empty() => {
                f.attachment = Some(Upload {
                    name: file_name.unwrap_or_default(),
                    bytes,
                })
            }
            _ => {}
        }
    }
    Ok(f)
}

async fn dispute(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    form: Multipart,
) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let number = number.into_inner();
    let here = format!("/invoices/{}/dispute", urlencode(&number));
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other(&format!("/login?next={}", urlencode(&here)));
    };
    let f = match read(form).await {
        Ok(f) => f,
        Err(_) => return back(&state, &here, "dispute", &[], one("form", "internal")),
    };
    let values = [("reason", f.reason.as_str()), ("text", f.text.as_str())];
    if !csrf_ok(&req, &state, &tenant, &f.csrf) {
        return back(&state, &here, "dispute", &values, one("form", "csrf"));
    }
    let ip = client_ip(&req);
    let new = NewDispute {
        number: &number,
        reason: &f.reason,
        text: &f.text,
        attachment: f.attachment,
    };
    match disputes::open(&state, &caller(&req, &tenant, &ip), &scope, new).await {
        Ok(()) => notice(
            &state,
            &format!("/invoices/{}", urlencode(&number)),
            "invoice",
            "dispute_opened",
            &[],
        ),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &here, "dispute", &values, codes(e)),
    }
}
