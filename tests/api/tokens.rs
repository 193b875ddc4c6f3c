//! Tokens that must be refused. Each case starts from a token the test signs itself with the
//! server's real key, and a control proves that such a token is accepted, so the refusals are
//! due to the one thing each case breaks.

use diesel::prelude::*;
use innolift::auth::tokens::Claims;
use innolift::db::schema::accounts;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

use crate::helpers::TestApp;
use crate::on_both_databases;

fn b64(bytes: &[u8]) -> String {
    use base64_url::encode;
    encode(bytes)
}

mod base64_url {
    /// Unpadded base64url, as JWTs use.
    pub fn encode(bytes: &[u8]) -> String {
        const TABLE: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}

/// The server's signing key for this account: the secret file joined with the account's stamp.
fn key_for(app: &TestApp, account_id: &str) -> Vec<u8> {
    let secret = hex::decode(
        std::fs::read_to_string(app.data_dir.join("token-secret"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    let stamp: String = accounts::table
        .find(account_id)
        .select(accounts::security_stamp)
        .first(&mut conn)
        .unwrap();
    [secret.as_slice(), b":", stamp.as_bytes()].concat()
}

fn claims(user: &crate::helpers::TestUser, exp_offset: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: user.id.clone(),
        role: "owner".into(),
        org: Some(user.organisation_id.clone()),
        iat: now - 10,
        exp: now + exp_offset,
        iss: "innolift".into(),
    }
}

fn sign(claims: &Claims, key: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key),
    )
    .unwrap()
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    app.get("/api/v1/me", Some(token)).await.status().as_u16()
}

on_both_databases! {
    async fn a_token_signed_with_the_real_key_is_accepted(app: TestApp) {
        let user = app.register("kontroll@t.no", 20, "supplier").await;
        let token = sign(&claims(&user, 600), &key_for(&app, &user.id));
        assert_eq!(status_with(&app, &token).await, 200);
    }

    async fn an_expired_token_gives_401(app: TestApp) {
        let user = app.register("utlopt@t.no", 21, "supplier").await;
        let token = sign(&claims(&user, -3600), &key_for(&app, &user.id));
        assert_eq!(status_with(&app, &token).await, 401);
    }

    async fn a_tampered_token_gives_401(app: TestApp) {
        let user = app.register("tuklet@t.no", 22, "supplier").await;
        let token = sign(&claims(&user, 600), &key_for(&app, &user.id));
        let mut tampered = claims(&user, 600);
        tampered.role = "admin".into();
        tampered.org = None;
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], b64(&serde_json::to_vec(&tampered).unwrap()), parts[2]);
        assert_eq!(status_with(&app, &forged).await, 401);
    }

    async fn an_unsigned_alg_none_token_gives_401(app: TestApp) {
        let user = app.register("ingen@t.no", 23, "supplier").await;
        let header = b64(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64(&serde_json::to_vec(&claims(&user, 600)).unwrap());
        assert_eq!(status_with(&app, &format!("{header}.{payload}.")).await, 401);
        assert_eq!(status_with(&app, &format!("{header}.{payload}")).await, 401);
    }

    async fn a_token_signed_with_another_key_gives_401(app: TestApp) {
        let user = app.register("annen@t.no", 24, "supplier").await;
        let token = sign(&claims(&user, 600), &[42u8; 64]);
        assert_eq!(status_with(&app, &token).await, 401);
        let hs512 = jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims(&user, 600), &EncodingKey::from_secret(&key_for(&app, &user.id))).unwrap();
        assert_eq!(status_with(&app, &hs512).await, 401, "the algorithm is pinned to HS256");
    }

        async fn a_token_without_exp_gives_401(app: TestApp) {
        let user = app.register("evig@t.no", 25, "supplier").await;
        let claims = serde_json::json!({"sub": user.id, "role": "owner", "org": user.organisation_id, "iat": chrono::Utc::now().timestamp(), "iss": "innolift"});
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&key_for(&app, &user.id))).unwrap();
        assert_eq!(status_with(&app, &token).await, 401);
    }

    async fn a_token_whose_subject_is_not_an_id_gives_401(app: TestApp) {
        let user = app.register("nul@t.no", 26, "supplier").await;
        let mut bad = claims(&user, 600);
        bad.sub = "\u{0}".into();
        assert_eq!(status_with(&app, &sign(&bad, &[1u8; 40])).await, 401);
    }

    async fn a_missing_or_malformed_authorization_header_gives_401(app: TestApp) {
        let res = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(res.status(), 401);
        let res = app.client.get(app.url("/api/v1/me")).header("authorization", "Basic abc").send().await.unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(status_with(&app, "not.a.token").await, 401);
    }
}
