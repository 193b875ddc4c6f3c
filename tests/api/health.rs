use serde_json::Value;

use crate::on_both_databases;

on_both_databases! {
    async fn healthz_answers_while_the_process_is_alive(app: TestApp) {
        let res = app.get("/healthz", None).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().contains_key("x-request-id"), "every answer carries its request id");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }

    async fn readyz_reports_the_database_and_current_migrations(app: TestApp) {
        let res = app.get("/readyz", None).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ready");
        let expected = match app.backend {
            crate::helpers::Backend::Sqlite => "sqlite",
            crate::helpers::Backend::Postgres => "postgresql",
        };
        assert_eq!(body["database"], expected);
    }

    async fn the_openapi_document_describes_every_endpoint(app: TestApp) {
        let res = app.get("/api/v1/openapi.json", None).await;
        assert_eq!(res.status(), 200);
        let doc: Value = res.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let expected = [
            ("get", "/healthz"),
            ("get", "/readyz"),
            ("post", "/api/v1/auth/register"),
            ("post", "/api/v1/auth/login"),
            ("get", "/api/v1/me"),
            ("post", "/api/v1/me/password"),
            ("post", "/api/v1/auth/password-reset"),
            ("post", "/api/v1/auth/password-reset/confirm"),
            ("delete", "/api/v1/organisations/{id}/users/{user_id}"),
            ("post", "/api/v1/organisations/{id}/owner"),
            ("get", "/api/v1/organisations"),
            ("get", "/api/v1/organisations/{id}"),
            ("patch", "/api/v1/organisations/{id}"),
            ("post", "/api/v1/organisations/{id}/members"),
            ("delete", "/api/v1/organisations/{id}/members/{member_id}"),
            ("post", "/api/v1/organisations/{id}/users"),
                        ("get", "/api/v1/organisations/{id}/users"),
            ("post", "/api/v1/needs"),
            ("get", "/api/v1/needs"),
            ("get", "/api/v1/needs/{id}"),
            ("patch", "/api/v1/needs/{id}"),
            ("delete", "/api/v1/needs/{id}"),
            ("post", "/api/v1/needs/{id}/participants"),
            ("delete", "/api/v1/needs/{id}/participants/{organisation_id}"),
            ("post", "/api/v1/needs/{id}/interest"),
            ("get", "/api/v1/needs/{id}/interest"),
            ("delete", "/api/v1/needs/{id}/interest"),
            ("get", "/api/v1/me/notifications"),
            ("post", "/api/v1/me/notifications/read"),
            ("post", "/api/v1/me/notifications/{id}/read"),
            ("get", "/api/v1/me/notifications/settings"),
            ("put", "/api/v1/me/notifications/settings"),
            ("get", "/api/v1/needs/{id}/matches"),
            ("get", "/api/v1/needs/{id}/similar"),
            ("post", "/api/v1/capabilities"),
            ("get", "/api/v1/capabilities"),
            ("get", "/api/v1/capabilities/{id}"),
            ("patch", "/api/v1/capabilities/{id}"),
            ("delete", "/api/v1/capabilities/{id}"),
            ("get", "/api/v1/capabilities/{id}/matches"),
            ("get", "/api/v1/search"),
            ("get", "/api/v1/cpv"),
            ("get", "/api/v1/cpv/suggest"),
            ("get", "/api/v1/admin/index"),
            ("get", "/api/v1/admin/organisations/pending"),
            ("post", "/api/v1/admin/organisations/{id}/approve"),
            ("post", "/api/v1/organisations/{id}/clusters/{cluster_id}/accept"),
            ("delete", "/api/v1/organisations/{id}/clusters/{cluster_id}"),
            ("get", "/api/v1/me/export"),
            ("delete", "/api/v1/me"),
            ("post", "/api/v1/auth/confirm-email"),
            ("post", "/api/v1/me/email-confirmation"),
            ("post", "/api/v1/processes"),
            ("get", "/api/v1/processes"),
            ("get", "/api/v1/processes/{id}"),
            ("patch", "/api/v1/processes/{id}"),
            ("post", "/api/v1/processes/{id}/buyers"),
            ("post", "/api/v1/processes/{id}/buyers/{org_id}/accept"),
            ("post", "/api/v1/processes/{id}/buyers/{org_id}/decline"),
            ("post", "/api/v1/processes/{id}/phase"),
            ("get", "/api/v1/processes/{id}/history"),
            ("post", "/api/v1/processes/{id}/proposals"),
            ("get", "/api/v1/processes/{id}/proposals"),
            ("patch", "/api/v1/processes/{id}/proposals/{proposal_id}"),
            ("post", "/api/v1/lifts"),
            ("get", "/api/v1/lifts"),
            ("get", "/api/v1/lifts/{id}"),
            ("post", "/api/v1/lifts/{id}/processes"),
            ("delete", "/api/v1/lifts/{id}/processes/{process_id}"),
            ("get", "/api/v1/lifts/suggestions"),
            ("post", "/api/v1/contracts"),
            ("get", "/api/v1/contracts"),
            ("get", "/api/v1/contracts/{id}"),
            ("delete", "/api/v1/contracts/{id}"),
            ("get", "/api/v1/radar"),
            ("get", "/api/v1/ocds/releases"),
            ("get", "/api/v1/ocds/records/{ocid}"),
            ("post", "/api/v1/solutions"),
            ("get", "/api/v1/solutions"),
            ("get", "/api/v1/solutions/{id}"),
                        ("post", "/api/v1/solutions/{id}/adoptions"),
            ("post", "/api/v1/processes/{id}/dialogues"),
            ("get", "/api/v1/dialogues/{id}"),
            ("patch", "/api/v1/dialogues/{id}"),
            ("post", "/api/v1/dialogues/{id}/cancel"),
            ("post", "/api/v1/dialogues/{id}/invitations"),
            ("get", "/api/v1/dialogues/{id}/invitations"),
            ("post", "/api/v1/dialogues/{id}/invitations/{invitation_id}/resend"),
            ("get", "/api/v1/dialogues/{id}/record"),
            ("post", "/api/v1/dialogues/{id}/slots"),
            ("get", "/api/v1/dialogues/{id}/slots"),
            ("delete", "/api/v1/dialogues/{id}/slots/{slot_id}"),
            ("post", "/api/v1/dialogues/{id}/allocate"),
            ("get", "/api/v1/dialogues/{id}/allocation"),
            ("get", "/api/v1/dialogues/{id}/meetings"),
            ("get", "/api/v1/dialogues/{id}/meetings.csv"),
            ("patch", "/api/v1/meetings/{id}"),
            ("post", "/api/v1/meetings/{id}/cancel"),
            ("get", "/api/v1/rsvp/{token}"),
            ("post", "/api/v1/rsvp/{token}"),
            ("post", "/api/v1/rsvp/{token}/questions"),
            ("post", "/api/v1/rsvp/{token}/bookings"),
            ("delete", "/api/v1/rsvp/{token}/bookings/{id}"),
            ("get", "/api/v1/me/invitations"),
            ("get", "/api/v1/admin/outbox"),
            ("get", "/api/v1/dialogues/{id}/answers"),
                        ("get", "/api/v1/dialogues/{id}/answers.csv"),
            ("get", "/api/v1/dialogues/{id}/questions"),
            ("post", "/api/v1/dialogues/{id}/questions/{qid}/answer"),
            ("get", "/api/v1/indicators"),
            ("get", "/api/v1/indicators.csv"),
            ("get", "/api/v1/capabilities/{id}/alerts"),
            ("get", "/api/v1/digest"),
            ("put", "/api/v1/digest"),
            ("post", "/api/v1/admin/digest"),
            ("post", "/api/v1/processes/{id}/documents"),
            ("get", "/api/v1/processes/{id}/documents"),
            ("post", "/api/v1/documents/{id}/versions"),
            ("get", "/api/v1/documents/{id}"),
            ("patch", "/api/v1/documents/{id}"),
            ("delete", "/api/v1/documents/{id}"),
            ("get", "/api/v1/documents/{id}/comments"),
            ("get", "/api/v1/documents/{id}/comments.csv"),
            ("post", "/api/v1/documents/{id}/consultation-summary"),
            ("post", "/api/v1/dialogues/{id}/summary"),
            ("get", "/api/v1/rsvp/{token}/documents/{id}"),
            ("post", "/api/v1/rsvp/{token}/comments"),
            ("get", "/api/v1/rsvp/{token}/comments"),
        ];
        for (method, path) in expected {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} missing from the OpenAPI document");
        }
        let documented: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(documented, expected.len(), "the document lists endpoints this test does not know");
        let page = app.get("/api/docs/", None).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("swagger"), "the human-readable page is Swagger UI");
    }
}
