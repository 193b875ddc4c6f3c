use serde_json::{json, Value};

use crate::helpers::{error_of, need_body, TestApp, TestUser};
use crate::on_both_databases;

/// Creates a programme administrator with the command line and signs in.
pub async fn admin(app: &TestApp) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_innolift"))
        .args([
            "admin",
            "create",
            "--email",
            "stab@program.no",
            "--password",
            "programmets passord",
            "--database-url",
            &app.settings.database_url,
        ])
        .arg("--data-dir")
        .arg(&app.data_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: Value = app
        .login("stab@program.no", "programmets passord")
        .await
        .json()
        .await
        .unwrap();
    res["token"].as_str().unwrap().to_owned()
}

const NIGHT: &str = "Kommunen ønsker digitalt tilsyn om natten for beboere i omsorgsboliger, med sensorer som varsler ved fall og uro, slik at nattevakten kan prioritere.";
const NIGHT2: &str = "Vi trenger sensorer som varsler nattevakten ved fall eller uro hos beboere i omsorgsboliger, slik at digitalt tilsyn om natten kan erstatte fysiske runder.";

struct World {
    a: TestUser,
    b: TestUser,
    cluster: TestUser,
    supplier: TestUser,
    outsider: TestUser,
    need_a: String,
    need_b: String,
}

async fn world(app: &TestApp, seed: u32) -> World {
    let a = app.register("a@kommune.no", seed, "buyer").await;
    let b = app.register("b@kommune.no", seed + 1, "buyer").await;
    let cluster = app.register("k@klynge.no", seed + 2, "cluster").await;
    let supplier = app.register("s@lev.no", seed + 3, "supplier").await;
    let outsider = app.register("o@lev.no", seed + 4, "supplier").await;
    let res = app
        .post(
            &format!("/api/v1/organisations/{}/members", cluster.organisation_id),
            &json!({"orgnr": crate::helpers::orgnr(seed + 3)}),
            Some(&cluster.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.accept_cluster(&supplier, &cluster.organisation_id)
        .await;
    let need_a = app
        .need(
            &a.token,
            need_body("Digitalt nattilsyn i omsorgsboliger", NIGHT),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let need_b = app
        .need(
            &b.token,
            need_body("Nattilsyn med sensorer i omsorgsbolig", NIGHT2),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    World {
        a,
        b,
        cluster,
        supplier,
        outsider,
        need_a,
        need_b,
    }
}

async fn open_process(app: &TestApp, w: &World) -> Value {
    let res = app
        .post("/api/v1/processes", &json!({"title": "Felles nattilsyn", "description": "Felles anskaffelse av digitalt nattilsyn.", "need_ids": [w.need_a], "procedure": "innovation_partnership"}), Some(&w.a.token))
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

on_both_databases! {
    async fn a_buyer_finds_a_partner_opens_a_process_and_moves_it_to_market_dialogue(app: TestApp) {
        let w = world(&app, 700).await;
        app.wait_indexed(&w.a.token, &w.need_b).await;
        let similar: Value = app.get(&format!("/api/v1/needs/{}/similar", w.need_a), Some(&w.a.token)).await.json().await.unwrap();
        assert_eq!(similar["items"][0]["id"], w.need_b.as_str(), "the other buyer's need is found");
        let partner = similar["items"][0]["organisation_id"].as_str().unwrap().to_owned();

        let process = open_process(&app, &w).await;
        let id = process["id"].as_str().unwrap().to_owned();
        assert_eq!(process["phase"], "need_clarification");
        assert_eq!(process["procurement_of_innovation"], true);
        assert_eq!(process["innovation_friendly"], false);
        assert_eq!(process["lead_organisation_id"], w.a.organisation_id.as_str());
        assert_eq!(process["your_role"], "lead");

        let res = app.post(&format!("/api/v1/processes/{id}/buyers"), &json!({"organisation_id": partner}), Some(&w.a.token)).await;
        assert_eq!(res.status(), 201);
        let res = app.post(&format!("/api/v1/processes/{id}/buyers/{partner}/accept"), &json!({}), Some(&w.b.token)).await;
        assert_eq!(res.status(), 200);
        let view: Value = res.json().await.unwrap();
        assert!(view["buyers"].as_array().unwrap().iter().any(|b| b["organisation_id"] == partner.as_str() && b["status"] == "accepted"), "{view}");
        assert_eq!(view["your_role"], "buyer");

        // The cluster puts its member forward; the lead sees and accepts it.
        let res = app.post(&format!("/api/v1/processes/{id}/proposals"), &json!({"supplier_ids": [w.supplier.organisation_id], "note": "Erfaren med sensorer"}), Some(&w.cluster.token)).await;
        assert_eq!(res.status(), 201);
        let proposals: Value = app.get(&format!("/api/v1/processes/{id}/proposals"), Some(&w.a.token)).await.json().await.unwrap();
        assert_eq!(proposals["items"].as_array().unwrap().len(), 1);
        let proposal_id = proposals["items"][0]["id"].as_str().unwrap().to_owned();
        let decided: Value = app.patch(&format!("/api/v1/processes/{id}/proposals/{proposal_id}"), &json!({"status": "accepted"}), &w.a.token).await.json().await.unwrap();
        assert_eq!(decided["status"], "accepted");

        let res = app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "market_dialogue", "note": "Klar for dialog"}), Some(&w.a.token)).await;
        assert_eq!(res.status(), 200);
        let moved: Value = res.json().await.unwrap();
        assert_eq!(moved["phase"], "market_dialogue");
        assert_eq!(moved["innovation_friendly"], true);
        let history = moved["phase_history"].as_array().unwrap();
        assert_eq!(history.last().unwrap()["note"], "Klar for dialog");
        assert_eq!(history.last().unwrap()["from"], "need_clarification");

        let record: Value = app.get(&format!("/api/v1/processes/{id}/history"), Some(&w.b.token)).await.json().await.unwrap();
        let actions: Vec<&str> = record["changes"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
        for expected in ["created", "buyer_invited", "buyer_accepted", "proposed", "decided", "phase_changed"] {
            assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
        }
        let decided_entry = record["changes"].as_array().unwrap().iter().find(|c| c["action"] == "decided").unwrap();
        assert_eq!(decided_entry["before"]["status"], "proposed");
        assert_eq!(decided_entry["after"]["status"], "accepted");

        // The administrator groups it into a lift.
        let admin = admin(&app).await;
        let lift: Value = app.post("/api/v1/lifts", &json!({"title": "Velferdsteknologiløftet", "theme": "health_welfare", "description": "Digitalt tilsyn i hele landet."}), Some(&admin)).await.json().await.unwrap();
        let lift_id = lift["id"].as_str().unwrap();
        let res = app.post(&format!("/api/v1/lifts/{lift_id}/processes"), &json!({"process_id": id}), Some(&admin)).await;
        assert_eq!(res.status(), 201);
        let view: Value = app.get(&format!("/api/v1/lifts/{lift_id}"), Some(&w.supplier.token)).await.json().await.unwrap();
        assert_eq!(view["processes"][0]["id"], id.as_str());
        assert_eq!(view["buyers"].as_array().unwrap().len(), 2);
        assert_eq!(view["counties"], json!(["46"]));
        assert_eq!(view["phases"]["market_dialogue"], 1);
        let record: Value = app.get(&format!("/api/v1/processes/{id}/history"), Some(&admin)).await.json().await.unwrap();
        assert!(record["changes"].as_array().unwrap().iter().any(|c| c["action"] == "process_attached"));
        assert_eq!(app.delete(&format!("/api/v1/lifts/{lift_id}/processes/{id}"), &admin).await.status(), 204);
    }

    async fn only_the_right_people_change_or_read_a_process(app: TestApp) {
        let w = world(&app, 710).await;
        let process = open_process(&app, &w).await;
        let id = process["id"].as_str().unwrap();
                // An invited buyer that has not accepted is still an outsider.
        let third = app.register("c@kommune.no", 715, "buyer").await;
        assert_eq!(app.post(&format!("/api/v1/processes/{id}/buyers"), &json!({"organisation_id": third.organisation_id}), Some(&w.a.token)).await.status(), 201);
        error_of(app.get(&format!("/api/v1/processes/{id}/history"), Some(&third.token)).await, 403).await;
        let invited_view: Value = app.get(&format!("/api/v1/processes/{id}"), Some(&third.token)).await.json().await.unwrap();
        assert_eq!(invited_view["your_role"], "invited");
        assert!(invited_view.get("phase_history").is_none());
        let listed: Value = app.get(&format!("/api/v1/processes?organisation_id={}", third.organisation_id), Some(&w.outsider.token)).await.json().await.unwrap();
        assert_eq!(listed["total"], 0, "others do not learn whom a process has invited");
        let own: Value = app.get(&format!("/api/v1/processes?organisation_id={}", third.organisation_id), Some(&third.token)).await.json().await.unwrap();
        assert_eq!(own["total"], 1);

        assert_eq!(app.post(&format!("/api/v1/processes/{id}/buyers"), &json!({"organisation_id": w.b.organisation_id}), Some(&w.a.token)).await.status(), 201);
        assert_eq!(app.post(&format!("/api/v1/processes/{id}/buyers/{}/accept", w.b.organisation_id), &json!({}), Some(&w.b.token)).await.status(), 200);

        let (code, _) = error_of(app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "market_dialogue"}), Some(&w.b.token)).await, 403).await;
        assert_eq!(code, "forbidden", "an accepted buyer who is not the lead cannot move the phase");
        error_of(app.post(&format!("/api/v1/processes/{id}/buyers"), &json!({"organisation_id": w.b.organisation_id}), Some(&w.outsider.token)).await, 403).await;
        error_of(app.get(&format!("/api/v1/processes/{id}/history"), Some(&w.outsider.token)).await, 403).await;
        error_of(app.get(&format!("/api/v1/processes/{id}/proposals"), Some(&w.outsider.token)).await, 403).await;
        let summary: Value = app.get(&format!("/api/v1/processes/{id}"), Some(&w.outsider.token)).await.json().await.unwrap();
        assert_eq!(summary["title"], "Felles nattilsyn");
        assert_eq!(summary["phase"], "need_clarification");
        assert_eq!(summary["themes"], json!(["climate_environment"]));
        assert!(summary.get("description").is_none() && summary.get("phase_history").is_none(), "{summary}");
        assert_eq!(summary["your_role"], "outsider");

        let (_, field) = error_of(app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "dreaming"}), Some(&w.a.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("to"));
        let (_, field) = error_of(app.post("/api/v1/processes", &json!({"title": "t", "description": "d", "need_ids": [w.need_a], "procedure": "lottery"}), Some(&w.a.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("procedure"));
        let (_, field) = error_of(app.post("/api/v1/processes", &json!({"title": "t", "description": "d", "need_ids": [], "procedure": "open"}), Some(&w.a.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("need_ids"));
        error_of(app.post("/api/v1/processes", &json!({"title": "t", "description": "d", "need_ids": [w.need_b], "procedure": "open"}), Some(&w.a.token)).await, 403).await;
        error_of(app.post("/api/v1/processes", &json!({"title": "t", "description": "d", "need_ids": [w.need_a], "procedure": "open"}), Some(&w.supplier.token)).await, 403).await;

        // Skipping needs a reason, and is recorded as irregular.
        let (_, field) = error_of(app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "contract"}), Some(&w.a.token)).await, 409).await;
        assert_eq!(field.as_deref(), Some("to"));
        let moved: Value = app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "contract", "reason": "Direkte til kontrakt etter avklaring"}), Some(&w.a.token)).await.json().await.unwrap();
        assert_eq!(moved["phase"], "contract");
        assert_eq!(moved["innovation_friendly"], false, "it never had market dialogue");
        let last = moved["phase_history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["irregular"], true);
        assert_eq!(last["reason"], "Direkte til kontrakt etter avklaring");
        error_of(app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "competition"}), Some(&w.a.token)).await, 409).await;

        // Lifts are the administrators'.
        let admin = admin(&app).await;
        let lift: Value = app.post("/api/v1/lifts", &json!({"title": "L", "theme": "health_welfare", "description": "d"}), Some(&admin)).await.json().await.unwrap();
        error_of(app.post(&format!("/api/v1/lifts/{}/processes", lift["id"].as_str().unwrap()), &json!({"process_id": id}), Some(&w.a.token)).await, 403).await;
        error_of(app.post("/api/v1/lifts", &json!({"title": "L", "theme": "health_welfare", "description": "d"}), Some(&w.a.token)).await, 403).await;
        let (_, field) = error_of(app.post("/api/v1/lifts", &json!({"title": "L", "theme": "sports", "description": "d"}), Some(&admin)).await, 400).await;
        assert_eq!(field.as_deref(), Some("theme"));
        error_of(app.get("/api/v1/lifts/suggestions", Some(&w.a.token)).await, 403).await;
    }

    async fn a_cluster_proposes_only_its_members(app: TestApp) {
        let w = world(&app, 720).await;
        let process = open_process(&app, &w).await;
        let id = process["id"].as_str().unwrap();
        let (_, field) = error_of(app.post(&format!("/api/v1/processes/{id}/proposals"), &json!({"supplier_ids": [w.outsider.organisation_id]}), Some(&w.cluster.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("supplier_ids"), "a supplier not in the cluster gives 400");
        error_of(app.post(&format!("/api/v1/processes/{id}/proposals"), &json!({"supplier_ids": [w.supplier.organisation_id]}), Some(&w.supplier.token)).await, 403).await;
        let first: Value = app.post(&format!("/api/v1/processes/{id}/proposals"), &json!({"supplier_ids": [w.supplier.organisation_id]}), Some(&w.cluster.token)).await.json().await.unwrap();
        let again: Value = app.post(&format!("/api/v1/processes/{id}/proposals"), &json!({"supplier_ids": [w.supplier.organisation_id]}), Some(&w.cluster.token)).await.json().await.unwrap();
        assert_eq!(first["items"][0]["id"], again["items"][0]["id"], "proposing twice makes one proposal");
                let own: Value = app.get(&format!("/api/v1/processes/{id}/proposals"), Some(&w.cluster.token)).await.json().await.unwrap();
        assert_eq!(own["items"].as_array().unwrap().len(), 1, "a cluster sees its own proposals");
        let other_cluster = app.register("k2@klynge.no", 726, "cluster").await;
        let theirs: Value = app.get(&format!("/api/v1/processes/{id}/proposals"), Some(&other_cluster.token)).await.json().await.unwrap();
        assert_eq!(theirs["items"].as_array().unwrap().len(), 0, "another cluster does not see them");
        let pid = first["items"][0]["id"].as_str().unwrap();
        let (_, field) = error_of(app.patch(&format!("/api/v1/processes/{id}/proposals/{pid}"), &json!({"status": "maybe"}), &w.a.token).await, 400).await;
        assert_eq!(field.as_deref(), Some("status"));
                error_of(app.patch(&format!("/api/v1/processes/{id}/proposals/{pid}"), &json!({"status": "accepted"}), &w.cluster.token).await, 403).await;
        assert_eq!(app.patch(&format!("/api/v1/processes/{id}/proposals/{pid}"), &json!({"status": "declined"}), &w.a.token).await.status(), 200);

        // Two phase moves at once: one wins, the other is told.
        let app = std::sync::Arc::new(app);
        let moves: Vec<_> = (0..2)
            .map(|_| {
                let (app, id, token) = (app.clone(), id.to_owned(), w.a.token.clone());
                actix_web::rt::spawn(async move { app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": "market_dialogue"}), Some(&token)).await.status().as_u16() })
            })
            .collect();
        let mut statuses = Vec::new();
        for m in moves {
            statuses.push(m.await.unwrap());
        }
        statuses.sort();
        assert_eq!(statuses, vec![200, 409]);
        let view: Value = app.get(&format!("/api/v1/processes/{id}"), Some(&w.a.token)).await.json().await.unwrap();
        assert_eq!(view["phase_history"].as_array().unwrap().len(), 2, "one move recorded: {view}");
    }

    async fn buyers_accepting_at_the_same_moment_lose_nothing(app: TestApp) {
        let a = app.register("a@kommune.no", 730, "buyer").await;
        let need = app.need(&a.token, need_body("Skolemat", "Sunn mat i skolen.")).await;
        let process: Value = app.post("/api/v1/processes", &json!({"title": "Skolemat", "description": "Felles skolemat.", "need_ids": [need["id"]], "procedure": "open"}), Some(&a.token)).await.json().await.unwrap();
        let id = process["id"].as_str().unwrap().to_owned();
        let mut buyers = Vec::new();
        for i in 0..5 {
            let b = app.register(&format!("b{i}@kommune.no"), 731 + i, "buyer").await;
            assert_eq!(app.post(&format!("/api/v1/processes/{id}/buyers"), &json!({"organisation_id": b.organisation_id}), Some(&a.token)).await.status(), 201);
            buyers.push(b);
        }
        let app = std::sync::Arc::new(app);
        let mut tasks = Vec::new();
        // Every buyer accepts twice at once.
        for b in buyers.iter().chain(buyers.iter()) {
            let app = app.clone();
            let (id, org, token) = (id.clone(), b.organisation_id.clone(), b.token.clone());
            tasks.push(actix_web::rt::spawn(async move {
                app.post(&format!("/api/v1/processes/{id}/buyers/{org}/accept"), &json!({}), Some(&token)).await.status().as_u16()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200);
        }
        let view: Value = app.get(&format!("/api/v1/processes/{id}"), Some(&a.token)).await.json().await.unwrap();
        let accepted = view["buyers"].as_array().unwrap().iter().filter(|b| b["status"] == "accepted").count();
        assert_eq!(accepted, 5, "{view}");
        assert_eq!(view["buyers"].as_array().unwrap().len(), 6, "no duplicates");
        let record: Value = app.get(&format!("/api/v1/processes/{id}/history"), Some(&a.token)).await.json().await.unwrap();
        let accepts = record["changes"].as_array().unwrap().iter().filter(|c| c["action"] == "buyer_accepted").count();
        assert_eq!(accepts, 5, "each acceptance is recorded once");
    }

    async fn a_solution_is_registered_from_contract_on_adopted_and_searchable(app: TestApp) {
        let w = world(&app, 740).await;
        let process = open_process(&app, &w).await;
        let id = process["id"].as_str().unwrap();
        let body = json!({"process_id": id, "title": "Sensorbasert nattilsyn", "description": "Sensorer som varsler nattevakten ved fall.",
            "supplier_ids": [w.supplier.organisation_id], "benefits": [{"kind": "savings", "amount": 1200000.0, "unit": "NOK/år", "basis": "Færre fysiske runder"}]});
        error_of(app.post("/api/v1/solutions", &body, Some(&w.a.token)).await, 409).await;
        for to in ["market_dialogue", "competition", "contract"] {
            assert_eq!(app.post(&format!("/api/v1/processes/{id}/phase"), &json!({"to": to}), Some(&w.a.token)).await.status(), 200);
        }
        error_of(app.post("/api/v1/solutions", &body, Some(&w.b.token)).await, 403).await;
        let mut bad = body.clone();
        bad["benefits"][0]["kind"] = json!("happiness");
        let (_, field) = error_of(app.post("/api/v1/solutions", &bad, Some(&w.a.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("benefits"));
        let mut bad = body.clone();
        bad["supplier_ids"] = json!([w.b.organisation_id]);
        let (_, field) = error_of(app.post("/api/v1/solutions", &bad, Some(&w.a.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("supplier_ids"));
        let res = app.post("/api/v1/solutions", &body, Some(&w.a.token)).await;
        assert_eq!(res.status(), 201);
        let solution: Value = res.json().await.unwrap();
        let sid = solution["id"].as_str().unwrap();
        assert_eq!(solution["benefits"][0]["unit"], "NOK/år");
        let res = app.post(&format!("/api/v1/solutions/{sid}/adoptions"), &json!({"status": "planned", "note": "Budsjett 2027"}), Some(&w.b.token)).await;
        assert_eq!(res.status(), 201);
        let adopted: Value = app.post(&format!("/api/v1/solutions/{sid}/adoptions"), &json!({"status": "adopted"}), Some(&w.b.token)).await.json().await.unwrap();
        assert_eq!(adopted["adoptions"][0]["status"], "adopted");
        assert_eq!(adopted["adoptions"].as_array().unwrap().len(), 1);
        error_of(app.post(&format!("/api/v1/solutions/{sid}/adoptions"), &json!({"status": "adopted"}), Some(&w.supplier.token)).await, 403).await;
        let (_, field) = error_of(app.post(&format!("/api/v1/solutions/{sid}/adoptions"), &json!({"status": "thinking"}), Some(&w.b.token)).await, 400).await;
        assert_eq!(field.as_deref(), Some("status"));
        let (found, _) = app.poll("/api/v1/search?type=solution&q=sensorbasert", &w.outsider.token, std::time::Duration::from_secs(3), |j| crate::helpers::ids(j).contains(&sid.to_owned())).await;
        assert!(crate::helpers::ids(&found).contains(&sid.to_owned()), "solutions are searchable: {found}");
        let record: Value = app.get(&format!("/api/v1/processes/{id}/history"), Some(&w.a.token)).await.json().await.unwrap();
        let actions: Vec<&str> = record["changes"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"adopted") && actions.contains(&"adoption_changed"), "{actions:?}");
    }

    async fn suggestions_group_similar_needs_of_different_buyers(app: TestApp) {
        let w = world(&app, 750).await;
        let c = app.register("c@kommune.no", 756, "buyer").await;
        let other = app.need(&c.token, need_body("Asfalt", "Reasfaltering av gater og fortau i sentrum.")).await;
        for id in [&w.need_a, &w.need_b, other["id"].as_str().unwrap()] {
            app.wait_indexed(&w.a.token, id).await;
        }
        let admin = admin(&app).await;
        let res: Value = app.get("/api/v1/lifts/suggestions", Some(&admin)).await.json().await.unwrap();
        let group = res["items"].as_array().unwrap().iter().find(|g| g["kind"] == "joint_process").expect("a joint-process group");
        let needs: Vec<&str> = group["need_ids"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        assert!(needs.contains(&w.need_a.as_str()) && needs.contains(&w.need_b.as_str()), "{group}");
        assert!(!needs.contains(&other["id"].as_str().unwrap()));
        assert_eq!(group["organisation_ids"].as_array().unwrap().len(), 2);
        assert!(!group["shared_terms"].as_array().unwrap().is_empty(), "the group is explained: {group}");

        // Two processes on these needs are proposed as a lift.
        let pa: Value = app.post("/api/v1/processes", &json!({"title": "A", "description": "a", "need_ids": [w.need_a], "procedure": "open"}), Some(&w.a.token)).await.json().await.unwrap();
        let pb: Value = app.post("/api/v1/processes", &json!({"title": "B", "description": "b", "need_ids": [w.need_b], "procedure": "open"}), Some(&w.b.token)).await.json().await.unwrap();
        let res: Value = app.get("/api/v1/lifts/suggestions", Some(&admin)).await.json().await.unwrap();
        let lift = res["items"].as_array().unwrap().iter().find(|g| g["kind"] == "lift").expect("a lift group");
        let procs: Vec<&str> = lift["process_ids"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        assert!(procs.contains(&pa["id"].as_str().unwrap()) && procs.contains(&pb["id"].as_str().unwrap()), "{lift}");
        assert!(res["items"].as_array().unwrap().iter().all(|g| g["kind"] != "joint_process" || !g["need_ids"].as_array().unwrap().iter().any(|n| n == w.need_a.as_str())), "needs in processes are not proposed again");
    }
}

/// The demo account of an organisation by its key.
fn demo_email(registry: &innolift::demo::corpus::DemoRegistry, key: &str) -> String {
    let first_of = |kind: &str| {
        registry
            .orgs
            .iter()
            .find(|o| o.kind == kind)
            .map(|o| o.key.clone())
    };
    if first_of("buyer").as_deref() == Some(key) {
        "kjoper@demo.innolift.no".into()
    } else if first_of("cluster").as_deref() == Some(key) {
        "klynge@demo.innolift.no".into()
    } else {
        format!("{key}@demo.innolift.no")
    }
}

async fn demo_login(app: &TestApp, email: &str) -> String {
    let res: Value = app
        .login(email, innolift::demo::DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    res["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{email} cannot sign in: {res}"))
        .to_owned()
}

on_both_databases! {
    async fn in_the_demo_data_a_buyer_runs_a_joint_process_to_market_dialogue(app: TestApp) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_innolift"))
            .args(["demo", "--database-url", &app.settings.database_url])
            .arg("--data-dir")
            .arg(&app.data_dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let registry = innolift::demo::corpus::registry();
        let id_of = |key: &str| innolift::demo::stable_id(key);

        // A buyer finds a similar need of another buyer.
        let mut found = None;
        for (i, need) in registry.needs.iter().enumerate().filter(|(_, n)| n.status == "open") {
            let token = demo_login(&app, &demo_email(&registry, &need.org_key)).await;
            let need_id = id_of(&format!("need-{i}"));
            let path = format!("/api/v1/needs/{need_id}/similar?limit=5");
            let (similar, _) = app.poll(&path, &token, std::time::Duration::from_secs(10), |j| j["items"].is_array()).await;
            if let Some(other) = similar["items"].as_array().unwrap().first() {
                found = Some((need.org_key.clone(), token, need_id, other["organisation_id"].as_str().unwrap().to_owned()));
                break;
            }
        }
        let (lead_key, lead, need_id, partner_org) = found.expect("some demo need has a similar need of another buyer");
        let partner_key = registry.orgs.iter().find(|o| id_of(&o.key) == partner_org).unwrap().key.clone();
        assert_ne!(lead_key, partner_key);

        // Opens a joint process and invites that buyer, who accepts.
        let process: Value = app.post("/api/v1/processes", &json!({"title": "Felles prosess fra demo", "description": "Vi går sammen.", "need_ids": [need_id], "procedure": "competitive_dialogue"}), Some(&lead)).await.json().await.unwrap();
        let pid = process["id"].as_str().unwrap().to_owned();
        assert_eq!(app.post(&format!("/api/v1/processes/{pid}/buyers"), &json!({"organisation_id": partner_org}), Some(&lead)).await.status(), 201);
        let partner = demo_login(&app, &demo_email(&registry, &partner_key)).await;
        assert_eq!(app.post(&format!("/api/v1/processes/{pid}/buyers/{partner_org}/accept"), &json!({}), Some(&partner)).await.status(), 200);

        // Receives a cluster's proposals.
        let (cluster_key, member_key) = registry.cluster_members.first().unwrap().clone();
        let cluster = demo_login(&app, &demo_email(&registry, &cluster_key)).await;
        let res = app.post(&format!("/api/v1/processes/{pid}/proposals"), &json!({"supplier_ids": [id_of(&member_key)], "note": "Medlem med relevant erfaring"}), Some(&cluster)).await;
        assert_eq!(res.status(), 201);
        let proposals: Value = app.get(&format!("/api/v1/processes/{pid}/proposals"), Some(&lead)).await.json().await.unwrap();
        assert_eq!(proposals["items"][0]["supplier_id"], id_of(&member_key).as_str());

        // Moves the process to market dialogue.
        let moved: Value = app.post(&format!("/api/v1/processes/{pid}/phase"), &json!({"to": "market_dialogue"}), Some(&lead)).await.json().await.unwrap();
        assert_eq!(moved["phase"], "market_dialogue");
        assert_eq!(moved["buyers"].as_array().unwrap().iter().filter(|b| b["status"] == "accepted" || b["status"] == "lead").count(), 2);

        // An administrator groups it into a lift.
        let admin = admin(&app).await;
        let lift: Value = app.post("/api/v1/lifts", &json!({"title": "Demo-løftet", "theme": "climate_environment", "description": "Samler prosesser."}), Some(&admin)).await.json().await.unwrap();
        let lift_id = lift["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/api/v1/lifts/{lift_id}/processes"), &json!({"process_id": pid}), Some(&admin)).await.status(), 201);
        let view: Value = app.get(&format!("/api/v1/lifts/{lift_id}"), Some(&partner)).await.json().await.unwrap();
        assert_eq!(view["processes"][0]["id"], pid.as_str());
        assert_eq!(view["phases"]["market_dialogue"], 1);
    }
}
