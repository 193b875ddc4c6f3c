//! Limits are counted in the database: every node counts the same attempts, and an attacker
//! cannot lock an account's owner out from elsewhere. On both databases.

use serde_json::json;

use crate::helpers::{spawn_app_with, Backend, TestApp};
use innolift::domain::network::Network;

/// A sign-in through a trusted proxy that says the client is `client`.
async fn login_from(
    app: &TestApp,
    base: &str,
    email: &str,
    password: &str,
    client: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{base}/api/v1/auth/login"))
        .header("X-Forwarded-For", client)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn limits_hold_across_nodes_and_an_attacker_elsewhere_does_not_lock_the_owner_out(
    backend: Backend,
) {
    let Some(app) = spawn_app_with(backend, |s| {
        s.trusted_proxies = Network::parse_list("127.0.0.1").unwrap()
    })
    .await
    else {
        return;
    };
    // A second node on the same database, with its own data directory and index.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        app.data_dir.join("token-secret"),
        dir.path().join("token-secret"),
    )
    .unwrap();
    let mut settings = app.settings.clone();
    settings.data_dir = dir.path().to_owned();
    let node = innolift::http::server::Application::build_with_workers(settings, 1)
        .await
        .unwrap();
    let second = format!("http://127.0.0.1:{}", node.port());
    actix_web::rt::spawn(node.run_until_stopped());

    let user = app.register("eier@verft.no", 9500, "supplier").await;
    let attacker = "203.0.113.5";
    for (i, base) in [&app.address, &second, &app.address, &second, &app.address]
        .into_iter()
        .enumerate()
    {
        let res = login_from(&app, base, &user.email, "feil passord her", attacker).await;
        assert_eq!(res.status(), 401, "attempt {} through {base}", i + 1);
    }
    let res = login_from(&app, &second, &user.email, "feil passord her", attacker).await;
    assert_eq!(
        res.status(),
        429,
        "five failures over two nodes reach the limit of five"
    );

    // The owner, elsewhere, signs in at once.
    let res = login_from(&app, &second, &user.email, &user.password, "198.51.100.7").await;
    assert_eq!(
        res.status(),
        200,
        "the attacker's failures do not lock the owner out"
    );

    // An attacker moving between addresses meets growing delays on the account.
    for n in 1..=5 {
        let res = login_from(
            &app,
            &app.address,
            &user.email,
            "feil passord her",
            &format!("203.0.113.{}", 10 + n),
        )
        .await;
        assert_eq!(res.status(), 401, "failure {n} from a fresh address");
    }
    // From here each attempt waits twice as long as the one before: however fast the attempts
    // come, one is refused long before the account's ceiling of fifty.
    let mut refused = None;
    for n in 6..=20 {
        let base = if n % 2 == 0 { &app.address } else { &second };
        let res = login_from(
            &app,
            base,
            &user.email,
            "feil passord her",
            &format!("203.0.113.{}", 10 + n),
        )
        .await;
        match res.status().as_u16() {
            401 => {}
            429 => {
                refused = Some((
                    n,
                    res.headers()["retry-after"]
                        .to_str()
                        .unwrap()
                        .parse::<u64>()
                        .unwrap(),
                ));
                break;
            }
            other => panic!("attempt {n}: {other}"),
        }
    }
    let (n, retry) = refused.expect("a growing delay refuses an attempt");
    assert!(
        n >= 7 && (1..=60).contains(&retry),
        "attempt {n}, retry after {retry}"
    );
}

crate::browser_flow!(
    limits_hold_across_nodes_and_an_attacker_elsewhere_does_not_lock_the_owner_out,
    limits_hold_across_nodes_and_an_attacker_elsewhere_does_not_lock_the_owner_out
);
