//! Helpers for tests of the web pages: a browser-like client that keeps cookies, finds the CSRF
//! token in a page and posts forms, and the accounts the pages need.

use reqwest::header::LOCATION;

use crate::helpers::{csrf_of, TestApp};

/// A page's answer: status, `Location` (for redirects) and body.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// A browser without JavaScript: keeps the cookies the server sets and does not follow
/// redirects (so tests see the 303s). Clones share the cookies.
#[derive(Clone)]
pub struct WebClient {
    pub client: reqwest::Client,
    pub base: String,
}

impl WebClient {
    /// A client with no cookies for the app.
    pub fn new(app: &TestApp) -> WebClient {
        WebClient {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
        }
    }

    /// A client that has signed in as this user.
    pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> WebClient {
        let web = WebClient::new(app);
        web.sign_in(email, password).await;
        web
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        let res = req.send().await.expect("request");
        Page {
            status: res.status().as_u16(),
            location: res
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: res.text().await.unwrap_or_default(),
        }
    }

    /// GETs a page: (status, body).
    pub async fn get(&self, path: &str) -> (u16, String) {
        let page = self.get_page(path).await;
        (page.status, page.body)
    }

    /// GETs a page with its `Location`.
    pub async fn get_page(&self, path: &str) -> Page {
        self.send(self.client.get(self.url(path))).await
    }

    /// The CSRF token of the forms on the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path} for its CSRF token: {body}");
        csrf_of(&body).unwrap_or_else(|| panic!("no CSRF field on {path}"))
    }

    /// POSTs a form as given (add `("csrf", …)` yourself, or use [`WebClient::submit`]).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = url_encode(fields);
        self.send(
            self.client
                .post(self.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await
    }

    /// POSTs a `multipart/form-data` form as given, as a browser sends a form with a file.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Page {
        self.send(self.client.post(self.url(path)).multipart(form))
            .await
    }

    /// Opens `page` for its CSRF token, then POSTs the form with it to `action`.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf(page).await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    /// Sends a form found in a page (see [`forms`]) as a browser would, CSRF field included.
    pub async fn send_form(&self, form: &HtmlForm) -> Page {
        assert_eq!(form.method, "post", "only POST forms are sent this way");
        self.post_form(&form.action, &form.pairs()).await
    }

    /// Signs in through the sign-in page and checks it worked.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let page = self
            .submit(
                "/login",
                "/login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(
            page.status, 303,
            "signing in as {email} failed: {}",
            page.body
        );
        let (status, _) = self.get("/dashboard").await;
        assert_eq!(
            status, 200,
            "{email} is not signed in after the sign-in form"
        );
    }
}

/// Encodes form fields as `application/x-www-form-urlencoded`.
pub fn url_encode(fields: &[(&str, &str)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        out.append_pair(k, v);
    }
    out.finish()
}

/// A form found in a page: its method, action and the fields a browser would send (inputs with
/// their values, each select's selected or first option, textareas).
#[derive(Debug, Clone)]
pub struct HtmlForm {
    pub method: String,
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl HtmlForm {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a (repeated) field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The fields as `post_form` takes them.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// The value of `name="…"` in a tag, unescaped.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// Every form in a page, in order. Enough for the pages' own markup, not a general parser.
pub fn forms(html: &str) -> Vec<HtmlForm> {
    let mut out = Vec::new();
    for (at, _) in html.match_indices("<form") {
        let Some(len) = html[at..].find("</form>") else {
            continue;
        };
        let inner = &html[at..at + len];
        let open = &inner[..inner.find('>').unwrap_or(inner.len())];
        let mut fields = Vec::new();
        // Fields in document order: find each control's start, then read it.
        let mut starts: Vec<(usize, &str)> = Vec::new();
        for kind in ["<input", "<select", "<textarea"] {
            starts.extend(inner.match_indices(kind).map(|(i, _)| (i, kind)));
        }
        starts.sort();
        for (i, kind) in starts {
            let rest = &inner[i..];
            let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
            let Some(name) = attr(tag, "name") else {
                continue;
            };
            match kind {
                "<input" => {
                    let ty = attr(tag, "type").unwrap_or_else(|| "text".into());
                    if matches!(ty.as_str(), "submit" | "button" | "checkbox" | "radio")
                        && !tag.contains(" checked")
                    {
                        continue;
                    }
                    fields.push((name, attr(tag, "value").unwrap_or_default()));
                }
                "<select" => {
                    let body = &rest[..rest.find("</select>").unwrap_or(rest.len())];
                    let options: Vec<&str> = body
                        .match_indices("<option")
                        .map(|(o, _)| &body[o..o + body[o..].find('>').unwrap_or(0)])
                        .collect();
                    let chosen = options
                        .iter()
                        .find(|o| o.contains(" selected"))
                        .or(options.first());
                    if let Some(o) = chosen {
                        fields.push((name, attr(o, "value").unwrap_or_default()));
                    }
                }
                _ => {
                    let start = tag.len() + 1;
                    let end = rest.find("</textarea>").unwrap_or(start);
                    fields.push((name, unescape(&rest[start.min(end)..end])));
                }
            }
        }
        out.push(HtmlForm {
            method: attr(open, "method").unwrap_or_else(|| "get".into()),
            action: attr(open, "action").unwrap_or_default(),
            fields,
        });
    }
    out
}

/// Undoes the HTML escaping minijinja applies.
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Creates a programme administrator with the command line; returns (email, password).
pub fn create_admin(app: &TestApp, email: &str) -> (String, String) {
    let password = "programmets passord".to_owned();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_innolift"))
        .args([
            "admin",
            "create",
            "--email",
            email,
            "--password",
            &password,
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
    (email.to_owned(), password)
}
