//! Contract test: every API operation is called, and every answer is checked against the
//! OpenAPI document: its status must be documented for that operation, and its body must match
//! the documented schema. At the end, every documented operation was called.
use crate::support::*;
use serde_json::{json, Value};
use settle_core::api_keys::{self, Scope};
use std::collections::BTreeSet;

struct Contract {
    doc: Value,
    called: BTreeSet<(String, String)>,
}

impl Contract {
    /// Calls `method template` (with `path` filled in) and checks the answer; returns its body.
    async fn call(
        &mut self,
        app: &TestApp,
        key: &str,
        (method, template, path): (&str, &str, &str),
        idem: Option<&str>,
        body: Option<String>,
    ) -> (u16, Value) {
        let mut req = app
            .client
            .request(method.parse().unwrap(), app.url(path))
            .bearer_auth(key);
        if let Some(i) = idem {
            req = req.header("idempotency-key", i);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let text = res.text().await.unwrap();
        let m = method.to_lowercase();
        let op = &self.doc["paths"][template][&m];
        assert!(op.is_object(), "{method} {template} is not documented");
        self.called.insert((m, template.to_string()));
        let documented = &op["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{method} {path} answered {status}, which is not documented: {text}"
        );
        let Some((media, content)) = documented["content"].as_object().and_then(|c| c.iter().next()) else {
            return (status, Value::Null);
        };
        assert!(
            ct.starts_with(media.as_str()),
            "{method} {path} {status}: {ct}, documented {media}"
        );
        let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"));
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [content["schema"]],
            "components": self.doc["components"],
        });
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not match its schema: {errors:?}\n{body}"
        );
        (status, body)
    }
}

#[tokio::test]
async fn every_operation_answers_as_the_openapi_document_says() {
    let app = spawn_app().await;
    let tenant = app.tenant().await.id;
    let now = app.state.clock.now();
    let (_, w) = api_keys::create(&app.state.db, tenant, "c", Scope::Write, "cli", now)
        .await
        .unwrap();
    let (_, r) = api_keys::create(&app.state.db, tenant, "r", Scope::Read, "cli", now)
        .await
        .unwrap();
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    // The check can fail: a body that is not a Customer is caught.
    let customer = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [{"$ref": "#/components/schemas/Customer"}],
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&customer).unwrap();
    assert!(!validator.is_valid(&json!({"customer_number": 5})));
    let mut c = Contract {
        doc,
        called: BTreeSet::new(),
    };
    let cust = json!({"name": "Sanne Smit", "email": "sanne@example.nl",
        "address": {"street": "Kerkstraat 4", "postcode": "3511 AB", "city": "Utrecht", "country": "NL"}})
    .to_string();
    let t = "/api/v1/customers/{number}";
    assert_eq!(
        c.call(&app, &w, ("PUT", t, "/api/v1/customers/K-1"), None, Some(cust.clone()))
            .await
            .0,
        201
    );
    assert_eq!(
        c.call(&app, &w, ("PUT", t, "/api/v1/customers/K-1"), None, Some(cust.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        c.call(&app, &w, ("PUT", t, "/api/v1/customers/K-1"), None, Some("{}".into()))
            .await
            .0,
        400
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("PUT", t, "/api/v1/customers/K-1"),
            None,
            Some(cust.replace("3511 AB", "1"))
        )
        .await
        .0,
        422
    );
    assert_eq!(
        c.call(&app, &r, ("PUT", t, "/api/v1/customers/K-1"), None, Some(cust))
            .await
            .0,
        403
    );
    assert_eq!(
        c.call(&app, "settle_x", ("GET", t, "/api/v1/customers/K-1"), None, None)
            .await
            .0,
        401
    );
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/customers/K-1"), None, None)
            .await
            .0,
        200
    );
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/customers/nope"), None, None)
            .await
            .0,
        404
    );
    let t = "/api/v1/customers";
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/customers?limit=2"), None, None)
            .await
            .0,
        200
    );
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/customers?cursor=x"), None, None)
            .await
            .0,
        422
    );

    let inv = json!({"customer_number": "K-1", "issue_date": "2026-11-01", "due_date": "2026-11-30",
        "description": "Premie", "lines": [{"description": "Premie", "amount": "50.00"}]})
    .to_string();
    let t = "/api/v1/invoices/{number}";
    assert_eq!(
        c.call(&app, &w, ("PUT", t, "/api/v1/invoices/K-F1"), None, Some(inv.clone()))
            .await
            .0,
        201
    );
    assert_eq!(
        c.call(&app, &w, ("PUT", t, "/api/v1/invoices/K-F1"), None, Some(inv.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("PUT", t, "/api/v1/invoices/K-F1"),
            None,
            Some(inv.replace("K-1", "none"))
        )
        .await
        .0,
        422
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("PUT", t, "/api/v1/invoices/2026-0001"),
            None,
            Some(inv.clone())
        )
        .await
        .0,
        409
    );
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/invoices/K-F1"), None, None)
            .await
            .0,
        200
    );
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/invoices/none"), None, None)
            .await
            .0,
        404
    );
    let t = "/api/v1/invoices/{number}/payment-links";
    let (status, link) = c
        .call(
            &app,
            &w,
            ("POST", t, "/api/v1/invoices/K-F1/payment-links"),
            Some("pl"),
            None,
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", t, "/api/v1/invoices/2026-0001/payment-links"),
            Some("pl2"),
            None
        )
        .await
        .0,
        409
    );
    let t = "/api/v1/invoices/{number}/payment-links/{id}";
    let revoke = format!("/api/v1/invoices/K-F1/payment-links/{}", link["id"]);
    assert_eq!(c.call(&app, &w, ("DELETE", t, &revoke), None, None).await.0, 204);
    assert_eq!(c.call(&app, &w, ("DELETE", t, &revoke), None, None).await.0, 404);
    let t = "/api/v1/invoices/{number}/credit";
    let credit = Some(json!({"amount": "5"}).to_string());
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", t, "/api/v1/invoices/K-F1/credit"),
            None,
            credit.clone()
        )
        .await
        .0,
        400
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", t, "/api/v1/invoices/K-F1/credit"),
            Some("cr"),
            credit
        )
        .await
        .0,
        200
    );
    let big = Some(json!({"amount": "500"}).to_string());
    assert_eq!(
        c.call(&app, &w, ("POST", t, "/api/v1/invoices/K-F1/credit"), Some("cr2"), big)
            .await
            .0,
        422
    );
    let t = "/api/v1/invoices/{number}/cancel";
    assert_eq!(
        c.call(&app, &w, ("POST", t, "/api/v1/invoices/K-F1/cancel"), Some("ca"), None)
            .await
            .0,
        200
    );
    assert_eq!(
        c.call(&app, &w, ("POST", t, "/api/v1/invoices/K-F1/cancel"), Some("ca2"), None)
            .await
            .0,
        409
    );
    assert_eq!(
        c.call(&app, &w, ("POST", t, "/api/v1/invoices/none/cancel"), Some("ca3"), None)
            .await
            .0,
        404
    );

    let t = "/api/v1/payments";
    let pay = json!({"external_id": "X-1", "amount": "10", "received_on": "2026-11-22", "invoice_number": "2026-0002"})
        .to_string();
    assert_eq!(
        c.call(&app, &w, ("POST", t, t), Some("p1"), Some(pay.clone())).await.0,
        201
    );
    assert_eq!(
        c.call(&app, &w, ("POST", t, t), Some("p2"), Some(pay.clone())).await.0,
        200
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", t, t),
            Some("p3"),
            Some(pay.replace("2026-0002", "none"))
        )
        .await
        .0,
        422
    );
    let t = "/api/v1/payments/{external_id}";
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/payments/X-1"), None, None).await.0,
        200
    );
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/payments/X-9"), None, None).await.0,
        404
    );

    let t = "/api/v1/events";
    assert_eq!(c.call(&app, &r, ("GET", t, t), None, None).await.0, 200);
    assert_eq!(
        c.call(&app, &r, ("GET", t, "/api/v1/events?limit=0"), None, None)
            .await
            .0,
        422
    );
    let t = "/api/v1/statements";
    let camt = std::fs::read_to_string("tests/fixtures/camt053_unmatched.xml").unwrap();
    assert_eq!(c.call(&app, &w, ("POST", t, t), Some("s1"), Some(camt)).await.0, 200);
    assert_eq!(
        c.call(&app, &w, ("POST", t, t), Some("s2"), Some("<broken".into()))
            .await
            .0,
        422
    );
    let t = "/api/v1/imports/{kind}";
    let lines = format!(
        "{}\n",
        json!({"customer_number": "K-2", "name": "Piet", "address": {"street": "A 1", "postcode": "1234 AB", "city": "B", "country": "NL"}})
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", t, "/api/v1/imports/customers"),
            Some("i1"),
            Some(lines)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", t, "/api/v1/imports/payments"),
            Some("i2"),
            Some(String::new())
        )
        .await
        .0,
        404
    );

    let t = "/api/v1/webhooks";
    let hook = Some(json!({"url": "https://hooks.example.com/settle", "events": ["invoice.paid"]}).to_string());
    let (status, ep) = c.call(&app, &w, ("POST", t, t), Some("w1"), hook).await;
    assert_eq!(status, 201);
    let bad = Some(json!({"url": "http://127.0.0.1/x", "events": ["*"]}).to_string());
    assert_eq!(c.call(&app, &w, ("POST", t, t), Some("w2"), bad).await.0, 422);
    assert_eq!(c.call(&app, &r, ("GET", t, t), None, None).await.0, 200);
    let id = ep["id"].as_i64().unwrap();
    let (rot, dels) = (format!("{t}/{id}/rotate"), format!("{t}/{id}/deliveries"));
    assert_eq!(
        c.call(
            &app,
            &w,
            ("POST", "/api/v1/webhooks/{id}/rotate", &rot),
            Some("w3"),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        c.call(&app, &r, ("GET", "/api/v1/webhooks/{id}/deliveries", &dels), None, None)
            .await
            .0,
        200
    );
    let redo = format!("{t}/{id}/deliveries/999/redeliver");
    let tpl = "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver";
    assert_eq!(c.call(&app, &w, ("POST", tpl, &redo), Some("w4"), None).await.0, 404);
    let del = format!("{t}/{id}");
    assert_eq!(
        c.call(&app, &w, ("DELETE", "/api/v1/webhooks/{id}", &del), None, None)
            .await
            .0,
        204
    );
    assert_eq!(
        c.call(&app, &w, ("DELETE", "/api/v1/webhooks/{id}", &del), None, None)
            .await
            .0,
        404
    );

    // Every documented operation was called.
    let mut documented = BTreeSet::new();
    for (path, ops) in c.doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let missed: Vec<_> = documented.difference(&c.called).collect();
    assert!(missed.is_empty(), "not exercised: {missed:?}");
    app.cleanup().await;
}
