//! The radar page: groups of buyers whose contracts on one theme end at about the same time,
//! on a timeline drawn as SVG on the server, with what to do next on each theme.

use actix_web::{web, HttpResponse};
use chrono::{Datelike, Months, NaiveDate};
use minijinja::{context, Value};
use serde::Deserialize;

use super::error::WebError;
use super::format;
use super::render;
use super::session::Visitor;
use crate::app::radar::{Radar, RadarGroup, RadarQuery};
use crate::app::Context;
use crate::domain::Lang;

const BLUE: &str = "#0a4a82";
const GREEN: &str = "#1d6b32";
const TRACK: &str = "#dfe4ea";
const GREY: &str = "#4a4a4a";

/// The page's filters, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RadarForm {
    pub months: Option<String>,
    pub cpv: Option<String>,
    pub county: Option<String>,
}

fn short_month(lang: Lang, d: NaiveDate) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = d.month0() as usize;
    match lang {
        Lang::Nb => format!(
            "{}. {}",
            &crate::domain::language::MONTHS_NB[m][..3],
            d.year()
        ),
        Lang::En => format!("{} {}", EN[m], d.year()),
    }
}

/// "mars 2028", "March 2028".
fn month_year(lang: Lang, d: NaiveDate) -> String {
    let written = format::date(lang, d);
    // The date written out without its day: "1. mars 2028" → "mars 2028".
    written
        .split_once(' ')
        .map_or(written.clone(), |(_, rest)| rest.to_owned())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Each group a row: a band over its end dates and a dot per contract, under a month axis. The
/// picture is one image to assistive technology (its label), so it holds no links; the groups
/// below it have them.
fn timeline_svg(lang: Lang, radar: &Radar, names: &[String]) -> String {
    let (label_w, plot_w, row_h, top) = (220.0, 560.0, 28.0, 24.0);
    let width = label_w + plot_w + 10.0;
    let height = top + row_h * radar.groups.len() as f64 + 8.0;
    let span = (radar.to - radar.from).num_days().max(1) as f64;
    let x = |d: NaiveDate| {
        label_w + plot_w * ((d - radar.from).num_days() as f64 / span).clamp(0.0, 1.0)
    };
    let title = match lang {
        Lang::Nb => "Tidslinje: når kontraktene i hver gruppe løper ut",
        Lang::En => "Timeline: when the contracts in each group end",
    };
    let mut out = format!(
        "<svg class=\"chart radar\" width=\"100%\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{title}\">"
    );
    // A tick every six months, from the first month after today.
    let mut tick = NaiveDate::from_ymd_opt(radar.from.year(), radar.from.month(), 1)
        .unwrap_or(radar.from)
        + Months::new(1);
    while tick <= radar.to {
        let tx = x(tick);
        out.push_str(&format!(
            "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{y1}\" y2=\"{height}\" stroke=\"{TRACK}\"/><text x=\"{tx:.1}\" y=\"14\" font-size=\"11\" text-anchor=\"middle\" fill=\"{GREY}\">{}</text>",
            short_month(lang, tick),
            y1 = top - 6.0,
        ));
        tick = tick + Months::new(6);
    }
    for (row, (g, name)) in radar.groups.iter().zip(names).enumerate() {
        let y = top + row_h * row as f64 + row_h / 2.0;
        let (x1, x2) = (x(g.ends_from), x(g.ends_to));
        out.push_str(&format!(
            "<text x=\"0\" y=\"{ty:.1}\" font-size=\"12\" fill=\"#1b1b1b\">{label}</text><rect x=\"{x1:.1}\" y=\"{ry:.1}\" width=\"{w:.1}\" height=\"12\" rx=\"6\" fill=\"{TRACK}\"/>",
            ty = y + 4.0,
            label = escape(&name.chars().take(32).collect::<String>()),
            ry = y - 6.0,
            w = (x2 - x1).max(12.0),
        ));
        for m in &g.members {
            let day = m.ends_at.unwrap_or_else(|| {
                NaiveDate::parse_from_str(&format!("{}-15", m.ends_month), "%Y-%m-%d")
                    .unwrap_or(g.ends_from)
            });
            let fill = if m.yours { GREEN } else { BLUE };
            let who = m.buyer_name.clone().unwrap_or_else(|| match lang {
                Lang::Nb => "En annen kjøper".into(),
                Lang::En => "Another buyer".into(),
            });
            out.push_str(&format!(
                "<circle cx=\"{cx:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{fill}\"><title>{}: {}</title></circle>",
                escape(&who),
                escape(&m.ends_at.map_or(m.ends_month.clone(), |d| format::date(lang, d))),
                cx = x(day),
            ));
        }
    }
    out.push_str("</svg>");
    out
}

fn group_view(lang: Lang, g: &RadarGroup, own_org: Option<&str>) -> Value {
    let members: Vec<Value> = g
        .members
        .iter()
        .map(|m| {
            context! {
                buyer => m.buyer_name.clone(),
                title => m.title.clone(),
                ends => m.ends_at.map(|d| format::date(lang, d)),
                ends_month => NaiveDate::parse_from_str(&format!("{}-01", m.ends_month), "%Y-%m-%d")
                    .map_or_else(|_| m.ends_month.clone(), |d| month_year(lang, d)),
                counties => m.counties.iter().map(|c| super::forms::county_name(c)).collect::<Vec<_>>().join(", "),
                yours => m.yours,
            }
        })
        .collect();
    let own_need = g
        .needs
        .iter()
        .find(|n| Some(n.organisation_id.as_str()) == own_org);
    context! {
        id => g.id.clone(),
        label => g.cpv_label.clone().unwrap_or_else(|| g.cpv_code.clone()),
        code => g.cpv_code.clone(),
        why => match lang { Lang::Nb => g.why.clone(), Lang::En => g.why_en.clone() },
        buyers => g.buyers,
        members => members,
        needs => g.needs.iter().map(|n| context! { id => n.id.clone(), title => n.title.clone() }).collect::<Vec<_>>(),
        processes => g.processes.iter().map(|p| context! { id => p.id.clone(), title => p.title.clone() }).collect::<Vec<_>>(),
        own_need => own_need.map(|n| context! { id => n.id.clone(), title => n.title.clone() }),
    }
}

/// The radar page (buyers and programme staff).
pub async fn page(
    state: web::Data<Context>,
    v: Visitor,
    form: web::Query<RadarForm>,
) -> Result<HttpResponse, WebError> {
    let user = v.require_user()?.clone();
    let f = form.into_inner();
    let query = RadarQuery::parse(
        f.months.as_deref(),
        None,
        f.cpv.as_deref(),
        f.county.as_deref(),
    )
    .map_err(crate::error::AppError::from)?;
    let radar = crate::app::radar::view(&state, &user.caller, query).await?;
    let names: Vec<String> = radar
        .groups
        .iter()
        .map(|g| g.cpv_label.clone().unwrap_or_else(|| g.cpv_code.clone()))
        .collect();
    let own = user.caller.organisation_id().map(str::to_owned);
    let groups: Vec<Value> = radar
        .groups
        .iter()
        .map(|g| group_view(v.lang, g, own.as_deref()))
        .collect();
    let months: Vec<Value> = [12, 24, 36, 60]
        .iter()
        .map(|m| context! { value => m.to_string(), label => m.to_string() })
        .collect();
    render::ok(
        &v,
        "radar.html",
        context! {
            groups => groups,
            timeline => (!radar.groups.is_empty()).then(|| Value::from_safe_string(timeline_svg(v.lang, &radar, &names))),
            months => months,
            months_value => radar.months.to_string(),
            window => radar.window_months,
            from => format::date(v.lang, radar.from),
            to => format::date(v.lang, radar.to),
            cpv => f.cpv.unwrap_or_default(),
            county => f.county.unwrap_or_default(),
            counties => super::forms::counties(),
            staff => user.caller.is_admin(),
        },
    )
}

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/radar", web::get().to(page));
}
