//! Small server-rendered SVG charts: no JavaScript, no CDN, readable without colour (each series has a
//! legend and every bar a tooltip).

use credinet_lending::portfolio::Day;
use credinet_lending::reports::ParPoint;
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 24.0;

/// Two bars per day, what fell due (light) and what was collected (dark), over an amount scale with
/// labelled grid lines and each day's date under its bars; every bar's tooltip repeats its figure, and
/// the page prints the same figures in a table under the chart ([`DayRow`]).
pub fn due_vs_collected(days: &[Day]) -> String {
    let left = 64.0;
    let right = 8.0;
    let max = days
        .iter()
        .flat_map(|d| [d.due.centavos(), d.collected.centavos()])
        .max()
        .unwrap_or(0);
    let scale = Scale::fitting(max);
    let slot = (WIDTH - left - right) / days.len().max(1) as f64;
    let bar = (slot * 0.38).max(2.0);
    let plot = HEIGHT - BOTTOM - TOP;
    let y_of = |centavos: i64| HEIGHT - BOTTOM - centavos as f64 / scale.top() as f64 * plot;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" id="cobranza-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Cobranza diaria contra lo que vencía">"#
    );
    let _ = write!(
        svg,
        r##"<g font-size="11"><rect x="{left}" y="4" width="10" height="10" fill="#9cc3e6"/><text x="{}" y="13">Vencía</text><rect x="{}" y="4" width="10" height="10" fill="#0f5e9c"/><text x="{}" y="13">Cobrado</text></g>"##,
        left + 14.0,
        left + 72.0,
        left + 86.0
    );
    for tick in 0..=scale.ticks {
        let centavos = scale.step * tick;
        let y = y_of(centavos);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d8dee6" stroke-width="1"/><text class="eje" x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"##,
            WIDTH - right,
            left - 4.0,
            y + 3.0,
            whole_pesos(centavos)
        );
    }
    for (i, d) in days.iter().enumerate() {
        let x = left + i as f64 * slot + slot * 0.1;
        for (j, (amount, colour, label)) in [
            (d.due, "#9cc3e6", "vencía"),
            (d.collected, "#0f5e9c", "cobrado"),
        ]
        .into_iter()
        .enumerate()
        {
            let h = HEIGHT - BOTTOM - y_of(amount.centavos());
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="{colour}"><title>{} {label}: {amount}</title></rect>"#,
                x + j as f64 * bar,
                HEIGHT - BOTTOM - h,
                d.day.format("%d/%m"),
            );
        }
        let _ = write!(
            svg,
            r#"<text class="eje" x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
            x + bar,
            HEIGHT - 10.0,
            d.day.format("%d/%m")
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#5b6675" stroke-width="1"/>"##,
        HEIGHT - BOTTOM,
        WIDTH - right
    );
    svg.push_str("</svg>");
    svg
}

/// A day of the collections chart as the table under it reads: the same figures the bars draw.
pub struct DayRow {
    pub day: String,
    pub due: String,
    pub collected: String,
}

pub fn day_rows(days: &[Day]) -> Vec<DayRow> {
    days.iter()
        .map(|d| DayRow {
            day: d.day.format("%d/%m/%Y").to_string(),
            due: d.due.to_string(),
            collected: d.collected.to_string(),
        })
        .collect()
}

/// An amount axis: grid lines every `step` centavos (1, 2 or 5 times a power of ten, at least one peso),
/// `ticks` of them above zero — five at most, and enough to reach the highest bar.
#[derive(Debug, PartialEq, Eq)]
struct Scale {
    step: i64,
    ticks: i64,
}

impl Scale {
    fn fitting(max_centavos: i64) -> Scale {
        let wanted = (max_centavos.max(1) + 4) / 5;
        let mut power = 100_i64;
        while power.saturating_mul(10) <= wanted {
            power *= 10;
        }
        let step = [1, 2, 5, 10]
            .iter()
            .map(|m| m * power)
            .find(|s| *s >= wanted)
            .unwrap_or(power * 10);
        Scale {
            step,
            ticks: ((max_centavos + step - 1) / step).max(1),
        }
    }

    fn top(&self) -> i64 {
        self.step * self.ticks
    }
}

/// A scale label: whole pesos with thousands separators («$1,500»); the steps are whole pesos.
fn whole_pesos(centavos: i64) -> String {
    let shown = credinet_core::money::Money::from_centavos(centavos).to_string();
    shown.strip_suffix(".00").unwrap_or(&shown).to_string()
}

/// PAR15 and PAR30 by cut, oldest first: two lines with a dot per cut (each dot's tooltip gives the
/// cut and the figure), a percentage scale with grid lines, and a legend. The scale tops at the next
/// 5 % above the highest point so small shares stay readable.
pub fn par_by_cut(points: &[ParPoint]) -> String {
    let left = 44.0;
    let right = 12.0;
    let highest = points
        .iter()
        .map(|p| p.par15.0.max(p.par30.0))
        .max()
        .unwrap_or(0);
    let top_bp = (highest.div_ceil(500) * 500).clamp(500, 10_000);
    let plot = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - left - right) / points.len().max(1) as f64;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    let y_of = |bp: u32| HEIGHT - BOTTOM - f64::from(bp) / f64::from(top_bp) * plot;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" id="par-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Cartera en riesgo (PAR15 y PAR30) por corte">"#
    );
    let _ = write!(
        svg,
        r##"<g font-size="11"><rect x="{left}" y="4" width="10" height="10" fill="#e0a030"/><text x="{}" y="13">PAR15</text><rect x="{}" y="4" width="10" height="10" fill="#b03a2e"/><text x="{}" y="13">PAR30</text></g>"##,
        left + 14.0,
        left + 70.0,
        left + 84.0
    );
    for step in 0..=4u32 {
        let bp = top_bp / 4 * step;
        let y = y_of(bp);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d8dee6" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{} %</text>"##,
            WIDTH - right,
            left - 4.0,
            y + 3.0,
            bp / 100
        );
    }
    for (series, colour, dash) in [
        ("PAR15", "#e0a030", ""),
        ("PAR30", "#b03a2e", " stroke-dasharray=\"5 3\""),
    ] {
        let value = |p: &ParPoint| if series == "PAR15" { p.par15 } else { p.par30 };
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x_of(i), y_of(value(p).0)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
            path.join(" ")
        );
        for (i, p) in points.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>Corte del {} · {series}: {}</title></circle>"#,
                x_of(i),
                y_of(value(p).0),
                p.cut_date.format("%d/%m/%Y"),
                value(p)
            );
        }
    }
    let every = points.len().div_ceil(12).max(1);
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
            x_of(i),
            HEIGHT - 10.0,
            p.cut_date.format("%d/%m/%y")
        );
    }
    if points.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle">Aún no hay cortes.</text>"#,
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use credinet_core::money::Money;
    use credinet_lending::reports::BasisPoints;

    #[test]
    fn par_lines_have_a_dot_per_cut_with_its_figure_and_the_scale_fits_the_highest() {
        let point = |d: u32, par15: u32, par30: u32| ParPoint {
            cut_date: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
            par15: BasisPoints(par15),
            par30: BasisPoints(par30),
        };
        let svg = par_by_cut(&[point(8, 1_234, 600), point(23, 1_810, 950)]);
        assert_eq!(svg.matches("<circle").count(), 4, "two cuts, two series");
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("<title>Corte del 08/03/2026 · PAR15: 12.34 %</title>"));
        assert!(svg.contains("<title>Corte del 23/03/2026 · PAR30: 9.50 %</title>"));
        assert!(
            svg.contains(">20 %</text>"),
            "18.10 % tops the scale at 20 %"
        );
        assert!(!svg.contains(">25 %</text>"));
        assert!(par_by_cut(&[]).contains("Aún no hay cortes."));
    }

    #[test]
    fn every_day_gets_two_bars_with_a_tooltip_over_a_labelled_amount_scale() {
        let day = |d: u32, due: i64, collected: i64| Day {
            day: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
            due: Money::from_centavos(due),
            collected: Money::from_centavos(collected),
        };
        let svg = due_vs_collected(&[day(7, 100_000, 50_000), day(8, 0, 0)]);
        assert_eq!(
            svg.matches("<rect").count(),
            2 + 4,
            "legend and two bars per day"
        );
        assert!(svg.contains("07/03 vencía: $1,000.00"));
        for label in ["$0", "$200", "$400", "$600", "$800", "$1,000"] {
            assert!(
                svg.contains(&format!(">{label}</text>")),
                "the scale reads {label}: {svg}"
            );
        }
        assert!(
            !svg.contains(">$1,200</text>"),
            "the scale ends at the highest bar"
        );
        assert!(
            svg.contains(&format!("height=\"{:.1}\"", HEIGHT - BOTTOM - TOP)),
            "$1,000.00 on a scale topping at $1,000 spans the plot"
        );
        assert!(svg.contains(">07/03</text>") && svg.contains(">08/03</text>"));
        let rows = day_rows(&[day(7, 100_000, 50_000)]);
        assert_eq!(
            (
                rows[0].day.as_str(),
                rows[0].due.as_str(),
                rows[0].collected.as_str()
            ),
            ("07/03/2026", "$1,000.00", "$500.00")
        );
    }

    #[test]
    fn the_amount_scale_takes_round_steps_and_reaches_the_highest_bar() {
        let scale = |max| {
            let s = Scale::fitting(max);
            (s.step, s.ticks)
        };
        assert_eq!(scale(0), (100, 1), "nothing at all still draws $0 and $1");
        assert_eq!(scale(100_000), (20_000, 5));
        assert_eq!(scale(1_234_567), (500_000, 3), "$12,345.67 under $15,000");
        assert_eq!(scale(300_001), (100_000, 4));
        for max in [1, 99, 12_345, 987_654_321, 4_000_000_000] {
            let s = Scale::fitting(max);
            assert!(s.top() >= max && s.ticks <= 5, "{max}: {s:?}");
        }
        assert_eq!(whole_pesos(150_000), "$1,500");
    }
}
