//! The layers of the source tree, checked by reading it: dependencies point down only.
//!
//! - the front doors: `src/http/` (the JSON API and the pages) and the command line
//!   (`src/cli.rs`, `src/main.rs`);
//! - the tools beside them: `src/demo/` and `src/eval/`, which use the services;
//! - the services: `src/app/`, with their error (`src/error.rs`) and caller (`src/caller.rs`);
//! - below them: `domain`, `db`, `search`, `mail`, `notices`, `auth`, `settings`, `telemetry`.
//!
//! Nothing outside the front doors may name actix, the HTTP layer or its state; nothing below
//! the services may name the services, their error or their caller.

use std::path::{Path, PathBuf};

/// Where a source file sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    FrontDoor,
    Tool,
    Service,
    Below,
}

/// The layer of a path relative to `src/`.
fn layer_of(relative: &str) -> Layer {
    let top = relative.split('/').next().unwrap_or("");
    match top {
        "http" | "cli.rs" | "main.rs" => Layer::FrontDoor,
        "demo" | "eval.rs" | "eval" => Layer::Tool,
        "app" | "error.rs" | "caller.rs" => Layer::Service,
        _ => Layer::Below,
    }
}

/// What no file outside the front doors may name: actix and the HTTP layer's own items.
const HTTP_NAMES: &[&str] = &[
    "actix_web",
    "actix_http",
    "tracing_actix_web",
    "utoipa_swagger_ui",
    "AppState",
];
/// Modules of the crate that only the front doors may import.
const HTTP_MODULES: &[&str] = &["http", "api", "web", "cli"];
/// Modules of the crate that nothing below the services may import.
const SERVICE_MODULES: &[&str] = &["app", "error", "caller", "demo", "eval"];

/// Drops `//` and `/* */` comments, so prose may mention any name.
fn strip_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else if rest.starts_with("'\"'") || rest.starts_with("'\\\"'") {
            // A double quote as a character literal opens no string.
            let len = if rest.starts_with("'\"'") { 3 } else { 4 };
            out.push_str("' '");
            rest = &rest[len..];
        } else if let Some(after) = rest.strip_prefix('"') {
            // Skip string literals, which may hold `//` (URLs) or names; keep their place.
            let mut chars = after.char_indices();
            let mut end = after.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            out.push_str("\"\"");
            rest = &after[end.min(after.len())..];
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The top-level crate modules a source names through `crate::…`, including grouped imports
/// such as `use crate::{app, db::Db}`.
fn crate_modules(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `mycrate::`, not `crate::`
        }
        let rest_trimmed = rest.trim_start();
        if let Some(group) = rest_trimmed.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest_trimmed
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// True when `word` occurs in `source` as a whole identifier.
fn names(source: &str, word: &str) -> bool {
    source.match_indices(word).any(|(i, _)| {
        let before = source[..i].chars().next_back();
        let after = source[i + word.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    })
}

/// What is wrong with one file, as `path: reason` lines.
fn violations(relative: &str, source: &str) -> Vec<String> {
    let layer = layer_of(relative);
    if layer == Layer::FrontDoor || relative == "lib.rs" {
        return Vec::new();
    }
    let code = strip_comments(source);
    let mut out = Vec::new();
    for name in HTTP_NAMES {
        if names(&code, name) {
            out.push(format!(
                "{relative}: names `{name}`, which belongs to the HTTP layer"
            ));
        }
    }
    for module in crate_modules(&code) {
        if HTTP_MODULES.contains(&module.as_str()) {
            out.push(format!(
                "{relative}: imports `crate::{module}`, a front door; depend downwards only"
            ));
        }
        if layer == Layer::Below && SERVICE_MODULES.contains(&module.as_str()) {
            out.push(format!(
                "{relative}: imports `crate::{module}`, which sits above it; move the code down or \
                 pass what it needs in"
            ));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_below_the_http_layer_imports_it_and_nothing_below_the_services_imports_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(
        files.len() > 50,
        "the source tree was not found at {}",
        src.display()
    );
    let mut problems = Vec::new();
    let mut checked = [0usize; 4];
    for path in &files {
        let relative = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        checked[layer_of(&relative) as usize] += 1;
        let source = std::fs::read_to_string(path).unwrap();
        problems.extend(violations(&relative, &source));
    }
    // Every layer has files, so a renamed directory cannot quietly empty a layer.
    assert!(
        checked.iter().all(|&n| n > 0),
        "files per layer: {checked:?}"
    );
    assert!(
        problems.is_empty(),
        "the layers are crossed:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_layer_check_catches_each_kind_of_crossing_and_ignores_comments_and_strings() {
    // A service naming actix, a lower module importing a service, grouped imports, the state.
    assert_eq!(
        violations("app/needs/mod.rs", "use actix_web::HttpResponse;").len(),
        1
    );
    assert_eq!(
        violations("db/needs.rs", "use crate::app::needs::NeedView;").len(),
        1
    );
    assert_eq!(
        violations("search/indexer.rs", "use crate::{db, error::AppError};").len(),
        1
    );
    assert_eq!(violations("mail/mod.rs", "fn f(s: &AppState) {}").len(), 1);
    assert_eq!(
        violations("app/dashboard.rs", "let x = crate::http::web::render::ok;").len(),
        1
    );
    // Services may use what is below them; front doors may use anything.
    assert!(violations("app/needs/mod.rs", "use crate::db::needs::NeedRow;").is_empty());
    assert!(violations("http/api/needs.rs", "use actix_web::web; use crate::app;").is_empty());
    // Prose and literals are not imports; nor is another crate's `crate::`.
    assert!(violations(
        "db/mod.rs",
        "// see crate::http::api for the answers\n/* actix_web */ let s = \"crate::app\";"
    )
    .is_empty());
    assert!(violations("domain/mod.rs", "use innolift_mycrate::app;").is_empty());
}
