//! `/api/v1/docs`: the API reference as a plain HTML page, written from the OpenAPI document
//! on the server (no script, nothing from another origin).
use actix_web::HttpResponse;
use serde_json::Value;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn text(v: &Value) -> String {
    esc(v.as_str().unwrap_or_default())
}

/// `#/components/schemas/Name` -> a link to the schema's section.
fn schema_link(v: &Value) -> String {
    let target = v
        .pointer("/$ref")
        .or_else(|| v.pointer("/items/$ref"))
        .and_then(Value::as_str);
    match target.and_then(|r| r.rsplit('/').next()) {
        Some(name) => {
            let list = if v.get("items").is_some() { "[]" } else { "" };
            format!("<a href=\"#schema-{0}\">{0}</a>{list}", esc(name))
        }
        None => text(v.get("type").unwrap_or(&Value::Null)),
    }
}

pub fn page(doc: &Value) -> HttpResponse {
    let mut h = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Settle API</title><link rel=\"stylesheet\" href=\"/pkg/settle.css\"></head>\
         <body><main id=\"main\" class=\"api-docs\">",
    );
    let _ = write!(
        h,
        "<h1>{} {}</h1><p>{}</p><p>Authenticate with <code>Authorization: Bearer settle_...</code>. \
         The machine-readable document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>",
        text(&doc["info"]["title"]),
        text(&doc["info"]["version"]),
        text(&doc["info"]["description"]),
    );
    h.push_str("<h2>Endpoints</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let _ = write!(
                    h,
                    "<section class=\"card\"><h3><code>{} {}</code></h3><p>{}</p>",
                    esc(&method.to_uppercase()),
                    esc(path),
                    text(
                        op.get("description")
                            .or_else(|| op.get("summary"))
                            .unwrap_or(&Value::Null)
                    ),
                );
                if let Some(params) = op["parameters"].as_array() {
                    h.push_str("<table class=\"lines\"><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">In</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
                    for p in params {
                        let _ = write!(
                            h,
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                            text(&p["name"]),
                            text(&p["in"]),
                            text(&p["description"])
                        );
                    }
                    h.push_str("</tbody></table>");
                }
                if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
                    for (ct, c) in content {
                        let _ = write!(h, "<p>Body ({}): {}</p>", esc(ct), schema_link(&c["schema"]));
                    }
                }
                h.push_str("<table class=\"lines\"><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Meaning</th><th scope=\"col\">Body</th></tr></thead><tbody>");
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    let body = r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| schema_link(&c["schema"]))
                        .unwrap_or_default();
                    let _ = write!(
                        h,
                        "<tr><td>{}</td><td>{}</td><td>{body}</td></tr>",
                        esc(status),
                        text(&r["description"])
                    );
                }
                h.push_str("</tbody></table></section>");
            }
        }
    }
    h.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, s) in schemas {
            let _ = write!(h, "<section class=\"card\" id=\"schema-{0}\"><h3>{0}</h3>", esc(name));
            let required: Vec<&str> = s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if let Some(props) = s["properties"].as_object() {
                h.push_str("<table class=\"lines\"><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
                for (field, p) in props {
                    let ty = if p.get("$ref").is_some() || p.pointer("/items/$ref").is_some() {
                        schema_link(p)
                    } else {
                        match &p["type"] {
                            Value::Array(types) => {
                                types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or ")
                            }
                            other => esc(other.as_str().unwrap_or("object")),
                        }
                    };
                    let req = if required.contains(&field.as_str()) {
                        " (required)"
                    } else {
                        ""
                    };
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{req}</td><td>{ty}</td><td>{}</td></tr>",
                        esc(field),
                        text(&p["description"])
                    );
                }
                h.push_str("</tbody></table>");
            }
            h.push_str("</section>");
        }
    }
    h.push_str("</main></body></html>");
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(h)
}
