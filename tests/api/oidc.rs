//! Sign-in with OpenID Connect against a real provider that the test starts on 127.0.0.1
//! (`tests/oidc/provider.mjs`, the npm package oidc-provider): the code flow with PKCE, state and
//! nonce, first and second sign-ins, and every way a sign-in must fail. On both databases, and
//! once in a real browser.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::helpers::{csrf_of, orgnr, registration, spawn_app_with, Backend, TestApp};

const CLIENT_ID: &str = "innolift-test";
const CLIENT_SECRET: &str = "test-secret-for-the-local-provider";

/// The local provider; killed when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Starts the provider for one client whose callback is `redirect_uri`, or `None` (with a
/// reason) when its npm packages are not installed, unless `CI=true`.
fn start_provider(redirect_uri: &str) -> Option<Provider> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    if !dir.join("node_modules/oidc-provider").exists() {
        assert!(
            !ci(),
            "tests/oidc has no node_modules and CI=true; run: npm ci --prefix tests/oidc"
        );
        eprintln!("skipped: the test OpenID Connect provider is not installed; run: npm ci --prefix tests/oidc");
        return None;
    }
    let mut child = Command::new("node")
        .arg(dir.join("provider.mjs"))
        .env("OIDC_PORT", "0")
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_REDIRECT_URI", redirect_uri)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs tests/oidc/provider.mjs");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the provider says OIDC_READY within 30 s");
    let issuer = line
        .trim()
        .strip_prefix("OIDC_READY ")
        .unwrap_or_else(|| panic!("the provider's first line is {line:?}"))
        .to_owned();
    Some(Provider { child, issuer })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server with sign-in through the local provider; `issuer` replaces the provider's own
/// issuer URL in the settings, to try a wrong one.
pub async fn app_with_provider(
    backend: Backend,
    issuer: impl FnOnce(&str) -> String,
) -> Option<(TestApp, Provider)> {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let provider = start_provider(&format!("{base}/login/oidc/callback"))?;
    let configured = issuer(&provider.issuer);
    let app = spawn_app_with(backend, move |s| {
        s.bind = format!("127.0.0.1:{port}");
        s.public_url = base;
        s.oidc = Some(innolift::settings::OidcSettings {
            issuer: configured,
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.into(),
            scopes: "openid email profile".to_owned(),
            acr_values: "idporten-loa-substantial".to_owned(),
            label: "ID-porten".to_owned(),
        });
    })
    .await?;
    Some((app, provider))
}

fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(res: &reqwest::Response, base: &str) -> String {
    let loc = res
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("a redirect from {}, got {}", res.url(), res.status()))
        .to_str()
        .unwrap();
    url::Url::parse(base)
        .unwrap()
        .join(loc)
        .unwrap()
        .to_string()
}

/// Walks a sign-in as a browser does, signing in at the provider as `login`, up to the callback
/// into innolift, which it returns without opening.
async fn to_callback(
    app: &TestApp,
    provider: &Provider,
    client: &reqwest::Client,
    login: &str,
) -> String {
    let res = client
        .get(app.url("/login/oidc?next=/needs"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "the start sends the browser to the provider"
    );
    let auth = location(&res, &app.address);
    assert!(auth.starts_with(&provider.issuer), "{auth}");
    for part in [
        "code_challenge_method=S256",
        "state=",
        "nonce=",
        "acr_values=idporten-loa-substantial",
    ] {
        assert!(auth.contains(part), "{part} in {auth}");
    }
    let res = client.get(&auth).send().await.unwrap();
    let interaction = location(&res, &provider.issuer);
    let res = client
        .post(format!("{interaction}/login"))
        .form(&[("login", login)])
        .send()
        .await
        .unwrap();
    let resume = location(&res, &provider.issuer);
    let res = client.get(&resume).send().await.unwrap();
    let callback = location(&res, &provider.issuer);
    assert!(
        callback.starts_with(&app.url("/login/oidc/callback")),
        "{callback}"
    );
    callback
}

fn count(app: &TestApp, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(&mut conn)
        .unwrap()
        .n
}

fn tamper(app: &TestApp, set: &str) {
    let mut conn = innolift::db::connect(&app.settings.database_url).unwrap();
    diesel::sql_query(format!("UPDATE oidc_logins SET {set}"))
        .execute(&mut conn)
        .unwrap();
}

async fn refused(client: &reqwest::Client, url: &str, words: &str) {
    let res = client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 400, "{url}");
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Innloggingen mislyktes") && body.contains(words),
        "{body}"
    );
}

async fn first_sign_in_registers(backend: Backend) {
    let Some((app, provider)) = app_with_provider(backend, str::to_owned).await else {
        return;
    };
    let client = browser_client();
    let callback = to_callback(&app, &provider, &client, "kari").await;
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), location(&res, &app.address)),
        (303, app.url("/register"))
    );
    let page = client
        .get(app.url("/register"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Du er logget inn med ID-porten")
            && page.contains("value=\"kari@example.test\" readonly"),
        "{page}"
    );
    let csrf = csrf_of(&page).unwrap();
    let nr = orgnr(5100);
    let res = client
        .post(app.url("/register"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Kari Nordmann"),
            ("email", "kari@example.test"),
            ("password", ""),
            ("orgnr", nr.as_str()),
            ("organisation_name", "Karis Verksted AS"),
            ("kind", "supplier"),
            ("county", "46"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let accounts = count(&app, "accounts");
    let dashboard = client.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(dashboard.status(), 200);

    // No password was chosen, so no password signs in to the account.
    assert_eq!(
        app.login("kari@example.test", "et langt passord")
            .await
            .status(),
        401
    );

    // The provider changes the person's email: the subject is the same, so is the account.
    let res = reqwest::Client::new()
        .post(format!("{}/test/email", provider.issuer))
        .json(&json!({"login": "kari", "email": "kari.ny@example.test"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let again = browser_client();
    let callback = to_callback(&app, &provider, &again, "kari").await;
    let res = again.get(&callback).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), location(&res, &app.address)),
        (303, app.url("/needs")),
        "a second sign-in goes straight on"
    );
    let account = again
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        account.contains("Kari Nordmann") && account.contains("kari@example.test"),
        "{account}"
    );
    assert_eq!(count(&app, "accounts"), accounts, "no second account");
    assert_eq!(count(&app, "oidc_identities"), 1);
    let export: Value = again
        .get(app.url("/account/export"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let identities = export["sign_in_identities"].as_array().unwrap();
    assert_eq!(
        identities.len(),
        1,
        "the export names the linked identity: {export}"
    );
    assert_eq!(
        (
            identities[0]["issuer"].as_str(),
            identities[0]["email_verified"].as_bool()
        ),
        (Some(provider.issuer.as_str()), Some(true)),
        "{export}"
    );

    // Someone with a password account and the same verified email is linked, not duplicated.
    let mut body = registration("per@example.test", &orgnr(5101), "supplier");
    body["name"] = json!("Per Passord");
    assert_eq!(
        app.post("/api/v1/auth/register", &body, None)
            .await
            .status(),
        201
    );
    let third = browser_client();
    let callback = to_callback(&app, &provider, &third, "per").await;
    let res = third.get(&callback).send().await.unwrap();
    assert_eq!(location(&res, &app.address), app.url("/needs"));
    let account = third
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(account.contains("Per Passord"), "{account}");
}

async fn bad_sign_ins_fail_with_a_clear_page_and_change_nothing(backend: Backend) {
    let Some((app, provider)) = app_with_provider(backend, str::to_owned).await else {
        return;
    };
    let (accounts, identities) = (count(&app, "accounts"), count(&app, "oidc_identities"));

    // A wrong state, and the right one in a browser that did not start the sign-in.
    let client = browser_client();
    let callback = to_callback(&app, &provider, &client, "eve").await;
    let mut wrong = url::Url::parse(&callback).unwrap();
    let code = wrong
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    wrong.set_query(Some(&format!("code={code}&state=not-the-state")));
    refused(&client, wrong.as_str(), "ikke startet i denne nettleseren").await;
    refused(
        &browser_client(),
        &callback,
        "ikke startet i denne nettleseren",
    )
    .await;

    // A wrong nonce: the ID token then names another sign-in.
    let client = browser_client();
    let callback = to_callback(&app, &provider, &client, "eve").await;
    tamper(&app, "nonce = 'not-the-nonce'");
    refused(&client, &callback, "kunne ikke bekreftes").await;

    // An ID token signed with a key the provider does not publish, and one that has expired
    // (re-signed with the provider's own key, so only the time is wrong).
    for mode in ["bad_signature", "expired"] {
        let client = browser_client();
        let callback = to_callback(&app, &provider, &client, "eve").await;
        let res = reqwest::Client::new()
            .post(format!("{}/test/id-token", provider.issuer))
            .json(&json!({ "mode": mode }))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{mode}");
        refused(&client, &callback, "kunne ikke bekreftes").await;
    }

    // A wrong PKCE verifier: the provider will not give tokens for the code.
    let client = browser_client();
    let callback = to_callback(&app, &provider, &client, "eve").await;
    tamper(
        &app,
        "pkce_verifier = 'a-wrong-verifier-that-is-long-enough-for-pkce-0123456789'",
    );
    refused(&client, &callback, "godtok ikke innloggingen").await;

    // A replayed code, under a fresh state of this browser.
    let client = browser_client();
    let used = to_callback(&app, &provider, &client, "eve").await;
    assert_eq!(
        client.get(&used).send().await.unwrap().status(),
        303,
        "the first use works"
    );
    let fresh = to_callback(&app, &provider, &client, "eve").await;
    let fresh_state = url::Url::parse(&fresh)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let used_code = url::Url::parse(&used)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let replay = format!(
        "{}?code={used_code}&state={fresh_state}",
        app.url("/login/oidc/callback")
    );
    refused(&client, &replay, "godtok ikke innloggingen").await;
    // The state of a finished sign-in does not work twice.
    refused(&client, &used, "er brukt før").await;

    // A sign-in cancelled at the provider.
    refused(
        &client,
        &app.url("/login/oidc/callback?error=access_denied&state=x"),
        "avbrutt",
    )
    .await;

    assert_eq!(count(&app, "accounts"), accounts, "no account was made");
    assert_eq!(
        count(&app, "oidc_identities"),
        identities + 1,
        "only the one good sign-in left an identity"
    );

    // An issuer that is not the provider's own: discovery does not name it.
    let Some((wrong_issuer, _other)) =
        app_with_provider(backend, |i| i.replace("127.0.0.1", "localhost")).await
    else {
        return;
    };
    refused(
        &browser_client(),
        &wrong_issuer.url("/login/oidc"),
        "svarte ikke, eller er ikke den som er satt opp",
    )
    .await;
}

async fn a_person_signs_in_with_the_provider_in_a_browser(backend: Backend) {
    let Some((app, provider)) = app_with_provider(backend, str::to_owned).await else {
        return;
    };
    let Some(browser) = Browser::start().await else {
        return;
    };
    use fantoccini::Locator;
    const WAIT: Duration = Duration::from_secs(15);
    browser.goto(&app.url("/login")).await;
    browser.axe("sign-in with ID-porten").await;
    browser.screenshot("oidc-login").await;
    browser.click_link("Logg inn med ID-porten").await;
    let login = browser
        .client()
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("login"))
        .await
        .expect("the provider's login form");
    assert!(browser
        .client()
        .current_url()
        .await
        .unwrap()
        .as_str()
        .starts_with(&provider.issuer));
    login.send_keys("nora").await.unwrap();
    browser
        .client()
        .find(Locator::Id("submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/register", WAIT).await;
    browser
        .wait_for_text("Du er logget inn med ID-porten", WAIT)
        .await;
    browser.axe("registration after the first sign-in").await;
    browser.fill("Navn", "Nora Nordmann").await;
    browser.fill("Organisasjonsnummer", &orgnr(5200)).await;
    browser.fill("Virksomhetens navn", "Noras Sensor AS").await;
    browser.select("Type virksomhet", "Leverandør").await;
    browser.select("Fylke", "Vestland").await;
    browser.screenshot("oidc-register").await;
    browser.click_button("Opprett bruker").await;
    browser.wait_for_path("/dashboard", WAIT).await;
    browser.screenshot("oidc-dashboard").await;

    // Signed out, a second sign-in goes straight in.
    browser.click_button("Logg ut").await;
    // Let the sign-out's redirect land first, or it may overtake the next navigation.
    browser.wait_for_text("Registrer deg", WAIT).await;
    browser.goto(&app.url("/login")).await;
    browser.click_link("Logg inn med ID-porten").await;
    let login = browser
        .client()
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("login"))
        .await
        .unwrap();
    login.send_keys("nora").await.unwrap();
    browser
        .client()
        .find(Locator::Id("submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/dashboard", WAIT).await;
    browser.goto(&app.url("/account")).await;
    let text = browser.text().await;
    assert!(
        text.contains("Nora Nordmann") && text.contains("nora@example.test"),
        "{text}"
    );
    browser.close().await;
}

crate::browser_flow!(
    a_first_sign_in_registers_and_a_second_finds_the_same_account,
    first_sign_in_registers
);

crate::browser_flow!(
    bad_sign_ins_fail_with_a_clear_page_and_change_nothing,
    bad_sign_ins_fail_with_a_clear_page_and_change_nothing
);

crate::browser_flow!(
    a_person_signs_in_with_the_provider_in_a_browser,
    a_person_signs_in_with_the_provider_in_a_browser
);

#[actix_web::test]
async fn with_password_sign_in_off_only_the_provider_signs_in() {
    let Some((app, _provider)) = app_with_provider(Backend::Sqlite, str::to_owned).await else {
        return;
    };
    // The setting is read per request, so a second server with it off shows the difference.
    let Some(off) = spawn_app_with(Backend::Sqlite, |s| {
        s.password_login = false;
        s.oidc = app.settings.oidc.clone();
    })
    .await
    else {
        return;
    };
    let res = off
        .post(
            "/api/v1/auth/login",
            &json!({"email": "a@b.no", "password": "et langt passord"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 403);
    let page = off.get("/login", None).await.text().await.unwrap();
    assert!(
        page.contains("Logg inn med ID-porten") && !page.contains("name=\"password\""),
        "{page}"
    );
    let page = off.get("/register", None).await;
    assert_eq!(page.status(), 403);
}
