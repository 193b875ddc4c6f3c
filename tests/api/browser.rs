//! A real browser for end-to-end tests of pages: headless Chromium driven over WebDriver
//! (`chromedriver` and fantoccini), with helpers that find form fields by their labels, and an
//! accessibility check with axe-core.
//!
//! Each [`Browser`] runs its own `chromedriver` on a free port with a fresh profile, so tests
//! share nothing and may run in parallel (at most [`MAX_BROWSERS`] at once).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ElementRef};
use fantoccini::{Client, ClientBuilder};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{Semaphore, SemaphorePermit};

/// The browser, from the Debian package `chromium`.
const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server, from the Debian package `chromium-driver` (same version as Chromium).
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How many browsers may be open at once across the whole test binary.
pub const MAX_BROWSERS: usize = 2;

/// Each Chromium takes a few hundred MB and most of a core while it starts; more than two at
/// once on a two-core machine only makes each of them slower. A tokio semaphore works across
/// the per-test runtimes, since its permits are not tied to a runtime.
static BROWSERS: Semaphore = Semaphore::const_new(MAX_BROWSERS);

/// The key under which WebDriver returns a DOM element from a script (W3C WebDriver §12).
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The language the pages are mostly written in, and so the browser's default.
const DEFAULT_LANG: &str = "nb-NO";

/// How long `chromedriver` may take to answer `/status` after it was started.
const DRIVER_READY_WITHIN: Duration = Duration::from_secs(20);

/// A headless Chromium with its own `chromedriver`; both end when this is dropped.
pub struct Browser {
    client: Client,
    driver: Child,
    // The profile and the driver's log. Removed after Chromium is killed (fields drop after
    // `Drop::drop`), so that nothing writes to it while it is being removed.
    dir: tempfile::TempDir,
    _permit: SemaphorePermit<'static>,
}

/// One accessibility rule that a page breaks, as axe-core reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct AxeViolation {
    /// The rule, such as `image-alt` or `label`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    /// What the rule asks for, in one sentence.
    pub help: String,
    /// Deque's explanation of the rule.
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    /// The elements that break the rule.
    pub nodes: Vec<AxeNode>,
}

/// An element that breaks an axe rule.
#[derive(Debug, Clone, Deserialize)]
pub struct AxeNode {
    /// The element's opening tag as written in the page.
    pub html: String,
    /// CSS selectors to the element (nested arrays for elements in frames or shadow roots).
    pub target: Value,
    /// axe's advice on fixing this element.
    #[serde(rename = "failureSummary")]
    pub failure_summary: Option<String>,
}

impl AxeViolation {
    /// Whether this is `serious` or `critical`, the impacts [`Browser::axe`] fails on.
    pub fn is_serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

impl Browser {
    /// Starts a browser that asks for Norwegian Bokmål pages. Returns `None` (after printing
    /// why) when Chromium or `chromedriver` is not installed, unless `CI=true`, where that
    /// panics instead so that CI cannot pass by skipping.
    pub async fn start() -> Option<Browser> {
        Self::start_with_lang(DEFAULT_LANG).await
    }

    /// As [`Browser::start`], with `lang` (such as `en` or `nb-NO`) as the interface language
    /// and the `Accept-Language` the browser sends.
    pub async fn start_with_lang(lang: &str) -> Option<Browser> {
        Self::launch(lang, None).await
    }

    /// A browser the size of a phone, `width` CSS pixels wide. Headless Chromium will not make
    /// a window under 500 px, so the phone's screen is emulated (device metrics) instead.
    pub async fn start_phone(width: u32) -> Option<Browser> {
        Self::launch(DEFAULT_LANG, Some(width)).await
    }

    async fn launch(lang: &str, phone_width: Option<u32>) -> Option<Browser> {
        let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|p| !Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let missing = missing.join(" and ");
            if ci() {
                panic!(
                    "{missing} not found and CI=true; install the Debian packages chromium and \
                     chromium-driver (apt-get install chromium chromium-driver)"
                );
            }
            eprintln!(
                "skipped: {missing} not found; install the Debian packages chromium and \
                 chromium-driver, or set CI=true to fail instead"
            );
            return None;
        }

        let permit = BROWSERS
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let dir = tempfile::tempdir().expect("temporary directory");
        let (driver, port) = start_driver(dir.path()).await;
        let client = match ClientBuilder::native()
            .capabilities(capabilities(lang, &dir.path().join("profile"), phone_width))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => client,
            Err(e) => {
                let mut driver = driver;
                let _ = driver.kill();
                let _ = driver.wait();
                panic!(
                    "Chromium did not start: {e}\nchromedriver log:\n{}",
                    driver_log(dir.path())
                );
            }
        };
        Some(Browser {
            client,
            driver,
            dir,
            _permit: permit,
        })
    }

    /// Ends the WebDriver session, which closes Chromium cleanly, then stops `chromedriver`.
    /// Dropping the browser also stops both, only less gently.
    pub async fn close(self) {
        // `Client::close` takes the client by value, and `Browser` has a `Drop`; a clone
        // shares the session.
        let _ = self.client.clone().close().await;
    }

    fn profile(&self) -> PathBuf {
        self.dir.path().join("profile")
    }

    /// The WebDriver client, for what the helpers here do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("could not open {url}: {e}"));
    }

    /// Types `value` into the text field, text area or similar labelled `label` (after
    /// clearing it). Panics unless exactly one visible `<label>` has that text and it labels
    /// such a field: a field the tests cannot find by its label, users of screen readers
    /// cannot find either.
    pub async fn fill(&self, label: &str, value: &str) {
        let (field, tag, kind) = self.labelled(label).await;
        assert!(
            tag == "textarea"
                || (tag == "input"
                    && !matches!(
                        kind.as_str(),
                        "checkbox" | "radio" | "submit" | "button" | "file"
                    )),
            "the field labelled {label:?} is a <{tag} type={kind:?}>; use select() or check() for it"
        );
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("could not clear the field labelled {label:?}: {e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("could not type into the field labelled {label:?}: {e}"));
    }

    /// Chooses the option with visible text `option` in the `<select>` labelled `label`.
    pub async fn select(&self, label: &str, option: &str) {
        let (field, tag, _) = self.labelled(label).await;
        assert_eq!(tag, "select", "the field labelled {label:?} is no <select>");
        let found = self
            .script(
                r#"const [select, wanted] = arguments;
                   const norm = s => (s || '').replace(/\s+/g, ' ').trim();
                   const options = [...select.options];
                   return { option: options.find(o => norm(o.text) === norm(wanted)) || null,
                            seen: options.map(o => norm(o.text)) };"#,
                vec![json!(field), json!(option)],
            )
            .await;
        let Some(element) = self.element(&found["option"]) else {
            panic!(
                "the <select> labelled {label:?} has no option {option:?}; it has {}",
                found["seen"]
            )
        };
        // A click, as a user would choose it, so that change handlers run.
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("could not choose {option:?} in {label:?}: {e}"));
    }

    /// Chooses the file at `path` in the file field labelled `label`, as a user would in the
    /// file dialogue.
    pub async fn choose_file(&self, label: &str, path: &std::path::Path) {
        let (field, tag, kind) = self.labelled(label).await;
        assert!(
            tag == "input" && kind == "file",
            "the field labelled {label:?} is a <{tag} type={kind:?}>, not a file field"
        );
        let path = path.to_str().expect("a UTF-8 path");
        field
            .send_keys(path)
            .await
            .unwrap_or_else(|e| panic!("could not choose {path} in {label:?}: {e}"));
    }

    /// Ticks the checkbox or radio button labelled `label`, if it is not already ticked.
    pub async fn check(&self, label: &str) {
        let (field, tag, kind) = self.labelled(label).await;
        assert!(
            tag == "input" && (kind == "checkbox" || kind == "radio"),
            "the field labelled {label:?} is a <{tag} type={kind:?}>, not a checkbox or radio button"
        );
        if !field.is_selected().await.unwrap_or(false) {
            field
                .click()
                .await
                .unwrap_or_else(|e| panic!("could not tick {label:?}: {e}"));
        }
        assert!(
            field.is_selected().await.unwrap_or(false),
            "{label:?} is still not ticked after a click"
        );
    }

    /// Clicks the one visible `<button>` or `<input type=submit>` whose text is `text`.
    pub async fn click_button(&self, text: &str) {
        self.find_one("button", text)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("could not click the button {text:?}: {e}"));
    }

    /// Clicks the one visible link whose text is `text`.
    pub async fn click_link(&self, text: &str) {
        self.find_one("link", text)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("could not click the link {text:?}: {e}"));
    }

    /// Opens the `<details>` whose visible `<summary>` reads `text`, as a click on it would.
    pub async fn open_details(&self, text: &str) {
        let summary = self.find_one("summary", text).await;
        let open = self
            .script(
                "return arguments[0].parentElement.open;",
                vec![json!(summary)],
            )
            .await;
        if open != json!(true) {
            summary
                .click()
                .await
                .unwrap_or_else(|e| panic!("could not open {text:?}: {e}"));
        }
    }

    /// The page's text as a user sees it (`document.body.innerText`).
    pub async fn text(&self) -> String {
        let text = self
            .script(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// The path of the current page, such as `/needs/42`.
    pub async fn current_path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current URL")
            .path()
            .to_owned()
    }

    /// Waits until the page's text contains `text`; panics with the page's text after
    /// `timeout`.
    pub async fn wait_for_text(&self, text: &str, timeout: Duration) {
        let started = Instant::now();
        loop {
            let page = self.text().await;
            if page.contains(text) {
                return;
            }
            if started.elapsed() > timeout {
                panic!(
                    "{text:?} did not appear within {timeout:?} on {}; the page says:\n{page}",
                    self.current_url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the browser is on a page whose path starts with `prefix`: after a click that
    /// navigates, text the old page also had says nothing about where the browser is.
    pub async fn wait_for_path(&self, prefix: &str, timeout: Duration) {
        let started = Instant::now();
        loop {
            let path = self.current_path().await;
            if path.starts_with(prefix) {
                return;
            }
            if started.elapsed() > timeout {
                panic!("the browser is still on {path}, not on {prefix}… after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Checks the current page with axe-core and panics listing every `serious` or `critical`
    /// violation, naming the page `page` in the message. Returns all violations, milder ones
    /// included (those are printed, not failed on).
    pub async fn axe(&self, page: &str) -> Vec<AxeViolation> {
        let violations = self.axe_violations().await;
        let serious: Vec<&AxeViolation> = violations.iter().filter(|v| v.is_serious()).collect();
        for v in violations.iter().filter(|v| !v.is_serious()) {
            eprintln!(
                "axe on {page}: {} ({}): {}",
                v.id,
                v.impact.as_deref().unwrap_or("no impact"),
                v.help
            );
        }
        if !serious.is_empty() {
            panic!(
                "axe found {} serious or critical accessibility violation(s) on {page}:\n{}",
                serious.len(),
                describe(&serious)
            );
        }
        violations
    }

    /// All axe-core violations on the current page, without failing on any.
    pub async fn axe_violations(&self) -> Vec<AxeViolation> {
        // Run as a WebDriver script rather than added as a <script> element, so that a
        // Content-Security-Policy on the page cannot block it; once per page, as navigating
        // discards it.
        let loaded = self
            .script(
                &format!("{}\n;return typeof window.axe;", axe_source()),
                vec![],
            )
            .await;
        assert_eq!(
            loaded,
            json!("object"),
            "axe-core did not load into the page"
        );
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { resultTypes: ['violations'] })
                     .then(r => done({ violations: r.violations.map(v => ({
                         id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                         nodes: v.nodes.map(n => ({ html: n.html, target: n.target,
                                                    failureSummary: n.failureSummary })) })) }))
                     .catch(e => done({ error: String((e && e.stack) || e) }));"#,
                vec![],
            )
            .await
            .expect("running axe-core");
        if let Some(error) = result.get("error") {
            panic!("axe-core failed: {}", error.as_str().unwrap_or_default());
        }
        serde_json::from_value(result["violations"].clone()).expect("axe-core's violations")
    }

    /// Saves a PNG of the viewport to `target/test-artifacts/screenshots/{name}.png` and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        assert!(
            !name.contains(['/', '\\']) && !name.starts_with('.'),
            "a screenshot name is a plain file name, not {name:?}"
        );
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts/screenshots");
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("writing the screenshot");
        path
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("a script in the page failed: {e}"))
    }

    /// The element that a script returned, if it returned one.
    fn element(&self, value: &Value) -> Option<Element> {
        let id = value.get(ELEMENT_KEY)?.as_str()?;
        Some(Element::from_element_id(
            self.client.clone(),
            ElementRef::from(id.to_owned()),
        ))
    }

    /// The one visible element of `kind` (`label`, `button` or `link`) whose text, with white
    /// space collapsed, is `text`. Panics listing what there is instead, when there is not
    /// exactly one: an ambiguous label or link text is also ambiguous to its users.
    async fn find_one(&self, kind: &str, text: &str) -> Element {
        let found = self
            .script(
                r#"const [kind, wanted] = arguments;
                   const norm = s => (s || '').replace(/\s+/g, ' ').trim();
                   const [selector, textOf] = {
                     label: ['label', e => e.innerText],
                     button: ['button, input[type=submit]',
                              e => e.tagName === 'INPUT' ? e.value : e.innerText],
                     link: ['a[href]', e => e.innerText],
                     summary: ['summary', e => e.innerText],
                   }[kind];
                   const shown = [...document.querySelectorAll(selector)]
                     .filter(e => e.checkVisibility());
                   return { matches: shown.filter(e => norm(textOf(e)) === norm(wanted)),
                            seen: shown.map(e => norm(textOf(e))) };"#,
                vec![json!(kind), json!(text)],
            )
            .await;
        let matches = found["matches"].as_array().cloned().unwrap_or_default();
        match matches.as_slice() {
            [one] => self.element(one).expect("an element"),
            [] => panic!(
                "no visible {kind} {text:?} on {}; the {kind}s are {}",
                self.current_url().await,
                found["seen"]
            ),
            many => panic!(
                "{} visible {kind}s {text:?} on {}; make them distinct",
                many.len(),
                self.current_url().await
            ),
        }
    }

    /// The form field that the one visible `<label>` with text `label` labels, with its tag
    /// name and `type` (lower case).
    async fn labelled(&self, label: &str) -> (Element, String, String) {
        let element = self.find_one("label", label).await;
        // `control` is the field the label belongs to, by its `for` or by containing it.
        let found = self
            .script(
                r#"const label = arguments[0];
                   const field = label.control;
                   return { field, for: label.htmlFor,
                            tag: field ? field.tagName.toLowerCase() : null,
                            type: field && field.type ? field.type.toLowerCase() : '' };"#,
                vec![json!(element)],
            )
            .await;
        let Some(field) = self.element(&found["field"]) else {
            match found["for"].as_str().unwrap_or_default() {
                "" => panic!(
                    "the label {label:?} labels no field: it has no `for` and holds no field"
                ),
                id => panic!("the label {label:?} labels no field: no field has its for={id:?}"),
            }
        };
        let tag = found["tag"].as_str().unwrap_or_default().to_owned();
        let kind = found["type"].as_str().unwrap_or_default().to_owned();
        (field, tag, kind)
    }

    async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver talks to Chromium over a debugging port, not a pipe, so Chromium
        // outlives a killed driver, and its helper processes (network, storage) outlive a
        // killed Chromium long enough to write into the profile after it has been removed.
        // All of them carry the profile on their command line; end them all, and wait.
        let profile = self.profile();
        let pids = processes_using(&profile);
        for &pid in &pids {
            // SAFETY: kill(2) takes no pointers.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let started = Instant::now();
        while !pids.is_empty()
            && !processes_using(&profile).is_empty()
            && started.elapsed() < Duration::from_secs(5)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The processes started with `profile` as their user data directory, from `/proc` (so
/// none outside Linux). Killed processes no longer count: a zombie's command line is empty.
fn processes_using(profile: &Path) -> Vec<i32> {
    let arg = format!("--user-data-dir={}", profile.display());
    let arg = arg.as_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            // Helper processes rewrite their command line into one string with spaces, so
            // look for the argument followed by either separator.
            cmdline
                .windows(arg.len() + 1)
                .any(|w| w.starts_with(arg) && matches!(w[arg.len()], 0 | b' '))
                .then_some(pid)
        })
        .collect()
}

/// Starts `chromedriver` on a free port and waits until it answers; returns it and its port.
async fn start_driver(dir: &Path) -> (Child, u16) {
    // The port is free when chosen but may be taken before the driver binds it; then the
    // driver exits, and another port is tried.
    let mut last_log = String::new();
    for _ in 0..3 {
        let port = free_port();
        let log = File::create(dir.join("chromedriver.log")).expect("the driver's log file");
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the driver's log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {CHROMEDRIVER}: {e}"));
        match wait_until_ready(&mut driver, port).await {
            Ok(()) => return (driver, port),
            Err(why) => {
                let _ = driver.kill();
                let _ = driver.wait();
                last_log = format!("{why}\n{}", driver_log(dir));
            }
        }
    }
    panic!("chromedriver did not start:\n{last_log}");
}

/// Polls the driver's `/status` until it says it is ready.
async fn wait_until_ready(driver: &mut Child, port: u16) -> Result<(), String> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("an HTTP client");
    let url = format!("http://127.0.0.1:{port}/status");
    let started = Instant::now();
    while started.elapsed() < DRIVER_READY_WITHIN {
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(format!("chromedriver exited with {status}"));
        }
        if let Ok(res) = http.get(&url).send().await {
            if let Ok(body) = res.json::<Value>().await {
                if body["value"]["ready"] == json!(true) {
                    return Ok(());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!(
        "chromedriver was not ready within {DRIVER_READY_WITHIN:?}"
    ))
}

fn driver_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("chromedriver.log")).unwrap_or_default()
}

/// What Chromium is started with.
fn capabilities(
    lang: &str,
    profile: &Path,
    phone_width: Option<u32>,
) -> serde_json::Map<String, Value> {
    let args = [
        "--headless=new",
        // Root in a container has no user namespaces for the sandbox.
        "--no-sandbox",
        // There is no GPU in CI; software rendering also keeps screenshots the same everywhere.
        "--disable-gpu",
        // The test network refuses connections to the internet; without these Chromium keeps
        // trying (updates, sync, field trials) and its start and pages get slower.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // /dev/shm is small in containers, and Chromium crashes when it fills.
        "--disable-dev-shm-usage",
        // A fixed size so screenshots and layouts are the same on every machine.
        "--window-size=1280,900",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([
        format!("--lang={lang}"),
        // Our own profile rather than chromedriver's: chromedriver removes its own only when
        // the session ends cleanly, and a killed driver would leave it behind.
        format!("--user-data-dir={}", profile.display()),
    ])
    .collect::<Vec<_>>();
    let mut options = json!({
        "binary": CHROMIUM,
        "args": args,
        // `--lang` sets the interface language; Accept-Language comes from this preference.
        "prefs": { "intl.accept_languages": lang },
    });
    if let Some(width) = phone_width {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": 844, "pixelRatio": 3.0, "touch": true },
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_owned(), options);
    caps
}

/// axe-core's source, read once per test binary.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "could not read {}: {e}; install it with: npm ci --prefix tests/browser",
                path.display()
            )
        })
    })
}

/// One paragraph per violation: rule, impact, help, and each failing element.
fn describe(violations: &[&AxeViolation]) -> String {
    let mut out = String::new();
    for v in violations {
        out.push_str(&format!(
            "- {} ({}): {} <{}>\n",
            v.id,
            v.impact.as_deref().unwrap_or("no impact"),
            v.help,
            v.help_url
        ));
        for node in &v.nodes {
            out.push_str(&format!("    {} at {}\n", node.html, node.target));
            if let Some(summary) = &node.failure_summary {
                for line in summary.lines() {
                    out.push_str(&format!("      {line}\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn dropping_a_browser_without_closing_it_ends_chromium_and_removes_its_profile() {
        let Some(browser) = Browser::start().await else {
            return;
        };
        browser.goto("data:text/html,<title>x</title>").await;
        let profile = browser.profile();
        assert!(
            !processes_using(&profile).is_empty(),
            "found no Chromium to end"
        );

        // As when a test panics halfway.
        drop(browser);
        let left = processes_using(&profile);
        assert!(
            left.is_empty(),
            "Chromium processes {left:?} outlived their Browser"
        );
        // Late writes from helper processes would have brought it back.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!profile.exists(), "{} is still there", profile.display());
    }
}
