//! The OpenAPI document tells the truth: every status an operation can answer is listed, in the
//! one error shape, and the schemas say what the service checks, from the rules it checks with.

use serde_json::Value;
use utoipa::OpenApi;

use innolift::domain::{self, OrgKind};

fn document() -> Value {
    serde_json::to_value(innolift::http::api::openapi::ApiDoc::openapi()).unwrap()
}

/// Every operation as (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    assert!(out.len() > 100, "the document lists every operation");
    out
}

/// The operations for which `applies` holds that lack `status`, as "METHOD path".
fn lacking(status: &str, applies: impl Fn(&str, &Value) -> bool) -> Vec<String> {
    operations(&document())
        .into_iter()
        .filter(|(_, path, op)| applies(path, op) && op["responses"].get(status).is_none())
        .map(|(method, path, _)| format!("{method} {path}"))
        .collect()
}

fn has_query(op: &Value) -> bool {
    op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"))
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let found = &doc["components"]["schemas"][name];
    assert!(found.is_object(), "no schema {name}");
    found
}

/// True when `schema` admits `null`: `type: [.., "null"]`, or a `oneOf`/`anyOf` with a null arm.
fn nullable(schema: &Value) -> bool {
    let null_type = |s: &Value| match &s["type"] {
        Value::String(t) => t == "null",
        Value::Array(ts) => ts.iter().any(|t| t == "null"),
        _ => false,
    };
    null_type(schema)
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema[*k]
                .as_array()
                .is_some_and(|arms| arms.iter().any(null_type))
        })
}

/// The first value of `key` in `schema` or in its `oneOf`/`anyOf` arms, at any depth.
fn find<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema.get(key).or_else(|| {
        ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema[*k].as_array())
            .flatten()
            .find_map(|arm| find(arm, key))
    })
}

/// The schema of a property, looking through a nullable `oneOf` to the arm that is not null.
fn property<'a>(object: &'a Value, name: &str) -> &'a Value {
    let p = &object["properties"][name];
    assert!(p.is_object(), "no property {name} in {object}");
    match p["oneOf"].as_array() {
        Some(arms) => arms.iter().find(|a| a["type"] != "null").unwrap(),
        None => p,
    }
}

#[test]
fn every_operation_that_reads_a_bearer_token_documents_401() {
    let missing = lacking("401", |_, op| {
        op["security"].as_array().is_some_and(|s| !s.is_empty())
    });
    assert!(missing.is_empty(), "no 401: {missing:#?}");
}

#[test]
fn every_operation_with_a_body_documents_400_413_and_415() {
    for status in ["400", "413", "415"] {
        let missing = lacking(status, |_, op| op.get("requestBody").is_some());
        assert!(missing.is_empty(), "no {status}: {missing:#?}");
    }
}

#[test]
fn every_operation_with_a_path_parameter_documents_404() {
    let missing = lacking("404", |path, _| path.contains('{'));
    assert!(missing.is_empty(), "no 404: {missing:#?}");
}

#[test]
fn every_operation_with_a_query_documents_400() {
    let missing = lacking("400", |_, op| has_query(op));
    assert!(missing.is_empty(), "no 400: {missing:#?}");
}

#[test]
fn every_error_answer_is_in_the_one_error_shape() {
    let doc = document();
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            // 431 comes from the HTTP server itself, before any handler, with no body.
            if !status.starts_with('4') || status == "431" {
                continue;
            }
            let body = &response["content"]["application/json"]["schema"]["$ref"];
            if body != "#/components/schemas/ErrorBody" {
                wrong.push(format!("{method} {path} {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "not ErrorBody: {wrong:#?}");
}

#[test]
fn an_audit_entry_says_before_and_after_may_be_null() {
    let doc = document();
    let entry = schema(&doc, "AuditEntry");
    for field in ["before", "after"] {
        let p = &entry["properties"][field];
        assert!(nullable(p), "{field} is not nullable: {p}");
        assert!(
            entry["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == field),
            "{field} is always sent, if only as null"
        );
    }
    for field in ["account_id", "organisation_id"] {
        assert!(nullable(&entry["properties"][field]), "{field}");
    }
}

#[test]
fn a_registration_describes_the_rules_it_is_checked_by() {
    let doc = document();
    let register = schema(&doc, "RegisterRequest");
    let password = property(register, "password");
    assert_eq!(password["minLength"], domain::password::MIN_LENGTH);
    assert_eq!(password["maxLength"], domain::password::MAX_LENGTH);
    let email = property(register, "email");
    assert_eq!(email["format"], "email");
    assert_eq!(email["maxLength"], domain::email::MAX_LENGTH);
    assert_eq!(property(register, "name")["maxLength"], 200);

    let organisation = schema(&doc, "OrganisationInput");
    assert_eq!(
        property(organisation, "orgnr")["pattern"],
        domain::orgnr::PATTERN
    );
    let kinds: Vec<&str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        find(property(organisation, "kind"), "enum"),
        Some(&serde_json::json!(kinds))
    );
    let counties: Vec<&str> = domain::organisation::COUNTIES
        .iter()
        .map(|(code, _)| *code)
        .collect();
    let county = &organisation["properties"]["county"];
    assert_eq!(find(county, "enum"), Some(&serde_json::json!(counties)));
    assert!(nullable(county));
    assert_eq!(
        find(&organisation["properties"]["contact_email"], "format"),
        Some(&serde_json::json!("email")),
        "an optional address is an address too"
    );

    let change = schema(&doc, "ChangePasswordRequest");
    assert_eq!(
        property(change, "new_password")["minLength"],
        domain::password::MIN_LENGTH
    );
    assert_eq!(
        property(schema(&doc, "AddMember"), "orgnr")["pattern"],
        domain::orgnr::PATTERN
    );
}

#[test]
fn pages_and_limits_have_their_bounds() {
    let doc = document();
    let mut unbounded = Vec::new();
    for (method, path, op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let s = &p["schema"];
            let bounds = match p["name"].as_str().unwrap() {
                "page" => (Some(1), None),
                "per_page" => (Some(1), Some(100)),
                "limit" => (Some(1), s["maximum"].as_i64()),
                _ => continue,
            };
            if (s["minimum"].as_i64(), s["maximum"].as_i64()) != bounds
                || (p["name"] == "limit" && bounds.1.is_none())
            {
                unbounded.push(format!("{method} {path} {}: {s}", p["name"]));
            }
        }
    }
    assert!(unbounded.is_empty(), "{unbounded:#?}");
}

#[test]
fn closed_sets_are_enums() {
    let doc = document();
    let need = schema(&doc, "NeedCreate");
    let themes: Vec<&str> = domain::Theme::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        need["properties"]["themes"]["items"]["enum"],
        serde_json::json!(themes)
    );
    assert_eq!(need["properties"]["themes"]["minItems"], 1);
    assert_eq!(
        need["properties"]["title"]["maxLength"],
        innolift::app::needs::TITLE_MAX
    );
    assert_eq!(
        need["properties"]["description"]["maxLength"],
        innolift::app::needs::DESCRIPTION_MAX
    );
    assert_eq!(
        need["properties"]["cpv_codes"]["items"]["pattern"],
        domain::cpv::PATTERN
    );
}

#[actix_web::test]
async fn a_known_path_asked_with_another_method_answers_405_with_allow() {
    let Some(app) = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await else {
        return;
    };
    let res = app
        .client
        .put(app.url("/api/v1/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");

    let res = app
        .client
        .put(app.url(&format!("/api/v1/needs/{}", uuid::Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "DELETE, GET, PATCH");

    let res = app
        .client
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "an unknown path is still not found");
}
