//! The programme staff's indicator page: each indicator against its target, with small charts
//! drawn as SVG on the server (progress towards the target, and each year's figure).

use actix_web::{web, HttpResponse};
use minijinja::{context, Value};

use super::error::WebError;
use super::render;
use super::session::Visitor;
use crate::app::indicators::Indicator;
use crate::app::indicators::IndicatorQuery;
use crate::app::Context;
use crate::domain::Lang;

const BLUE: &str = "#0a4a82";
const GREEN: &str = "#1d6b32";
const TRACK: &str = "#dfe4ea";

fn fmt(lang: crate::domain::Lang, v: f64, share: bool) -> String {
    if share {
        super::format::percent(lang, v, 1)
    } else if v.fract() == 0.0 {
        super::format::number(lang, v as i64)
    } else {
        super::format::decimal(lang, v, 1)
    }
}

/// A bar from 0 to the target, filled to the figure; green once the target is reached.
fn progress_svg(value: f64, target: f64, label: &str) -> String {
    let ratio = if target > 0.0 {
        (value / target).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let width = 240.0;
    let fill = if value >= target { GREEN } else { BLUE };
    format!(
        "<svg class=\"chart\" width=\"{w}\" height=\"18\" viewBox=\"0 0 {w} 18\" role=\"img\" aria-label=\"{label}\"><rect x=\"0\" y=\"2\" width=\"{w}\" height=\"14\" rx=\"3\" fill=\"{TRACK}\"/><rect x=\"0\" y=\"2\" width=\"{f:.1}\" height=\"14\" rx=\"3\" fill=\"{fill}\"/></svg>",
        w = width,
        f = width * ratio,
        // minijinja also escapes `/`, which a quoted attribute does not need; the labels read
        // "1 / 25" as they always have.
        label = minijinja::HtmlEscape(label).to_string().replace("&#x2f;", "/"),
    )
}

/// One bar per year, scaled to the largest of the figures and the target, with the target as a
/// line.
fn trend_svg(i: &Indicator, label: &str) -> String {
    let share = i.share.is_some() || i.base.is_some();
    let values: Vec<(i32, f64)> = i
        .trend
        .iter()
        .map(|t| {
            (
                t.year,
                if share {
                    t.share.unwrap_or(0.0)
                } else {
                    t.actual
                },
            )
        })
        .collect();
    if values.is_empty() {
        return String::new();
    }
    let max = values
        .iter()
        .map(|v| v.1)
        .fold(i.target, f64::max)
        .max(f64::EPSILON);
    let (bar, gap, height) = (26.0, 10.0, 60.0);
    let width = values.len() as f64 * (bar + gap) + gap;
    let mut out = format!(
        "<svg class=\"chart\" width=\"{width}\" height=\"{h}\" viewBox=\"0 0 {width} {h}\" role=\"img\" aria-label=\"{label}\">",
        h = height + 16.0,
        label = minijinja::HtmlEscape(label).to_string().replace("&#x2f;", "/"),
    );
    for (n, (year, v)) in values.iter().enumerate() {
        let h = (v / max * height).max(1.0);
        let x = gap + n as f64 * (bar + gap);
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y:.1}\" width=\"{bar}\" height=\"{h:.1}\" fill=\"{BLUE}\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1b1b1b\">{year}</text>",
            y = height - h,
            tx = x + bar / 2.0,
            ty = height + 12.0,
        ));
    }
    let ty = height - i.target / max * height;
    out.push_str(&format!(
        "<line x1=\"0\" x2=\"{width}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"{GREEN}\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/></svg>"
    ));
    out
}

/// The indicator page (programme staff).
pub async fn page(
    state: web::Data<Context>,
    v: Visitor,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_admin()?.clone();
    let q = query.into_inner();
    let data = crate::app::indicators::load(&state, Some(&user.caller), &q).await?;
    let words = super::i18n::words();
    let items: Vec<Value> = data
        .items
        .iter()
        .map(|i| {
            let share = i.base.is_some();
            let value = if share { i.share.unwrap_or(0.0) } else { i.actual };
            let name = words.get(v.lang, &format!("indicators.names.{}", i.id)).to_owned();
            let progress_label = format!("{name}: {} / {}", fmt(v.lang, value, share), fmt(v.lang, i.target, share));
            let trend_label = i
                .trend
                .iter()
                .map(|t| format!("{} {}", t.year, fmt(v.lang, if share { t.share.unwrap_or(0.0) } else { t.actual }, share)))
                .collect::<Vec<_>>()
                .join(", ");
            context! {
                id => i.id,
                name => name,
                definition => match v.lang { Lang::Nb => i.definition_nb.clone(), Lang::En => i.definition.clone() },
                value => fmt(v.lang, value, share),
                target => fmt(v.lang, i.target, share),
                base => i.base.map(|b| fmt(v.lang, b, false)),
                count => share.then(|| fmt(v.lang, i.actual, false)),
                reached => value >= i.target,
                progress => Value::from_safe_string(progress_svg(value, i.target, &progress_label)),
                trend => Value::from_safe_string(trend_svg(i, &format!("{name}: {trend_label}"))),
            }
        })
        .collect();
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    let years: Vec<Value> = (2024..=this_year)
        .rev()
        .map(|y| context! { value => y.to_string(), label => y.to_string() })
        .collect();
    let csv = format!(
        "/api/v1/indicators.csv?{}",
        [
            ("year", q.year.as_deref()),
            ("county", q.county.as_deref()),
            ("theme", q.theme.as_deref()),
            // Norwegian Excel opens semicolons and decimal commas straight into columns.
            (
                "dialect",
                (v.lang == crate::domain::Lang::Nb).then_some("excel")
            ),
        ]
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!(
            "{k}={}",
            url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
        )))
        .collect::<Vec<_>>()
        .join("&")
    );
    render::ok(
        &v,
        "indicators.html",
        context! {
            items => items,
            years => years,
            year => q.year.unwrap_or_default(),
            county => q.county.unwrap_or_default(),
            theme => q.theme.unwrap_or_default(),
            counties => super::forms::counties(),
            themes => super::forms::options(v.lang, "themes", &["climate_environment", "health_welfare", "digitalisation", "mobility_transport", "buildings_infrastructure", "other"]),
            csv => csv,
        },
    )
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/indicators", web::get().to(page));
}
