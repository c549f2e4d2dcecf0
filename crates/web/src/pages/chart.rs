//! Small server-rendered SVG charts: no JavaScript, no CDN, readable without colour (each series has a
//! legend and every bar a tooltip).

use credinet_lending::portfolio::Day;
use credinet_lending::reports::ParPoint;
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 8.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 24.0;

/// Two bars per day: what fell due (light) and what was collected (dark).
pub fn due_vs_collected(days: &[Day]) -> String {
    let max = days
        .iter()
        .flat_map(|d| [d.due.centavos(), d.collected.centavos()])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let bar = (slot * 0.38).max(2.0);
    let plot = HEIGHT - BOTTOM - TOP;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Cobranza diaria contra lo que vencía">"#
    );
    let _ = write!(
        svg,
        r##"<g font-size="11"><rect x="{LEFT}" y="4" width="10" height="10" fill="#9cc3e6"/><text x="{}" y="13">Vencía</text><rect x="80" y="4" width="10" height="10" fill="#0f5e9c"/><text x="94" y="13">Cobrado</text></g>"##,
        LEFT + 14.0
    );
    for (i, d) in days.iter().enumerate() {
        let x = LEFT + i as f64 * slot + slot * 0.1;
        for (j, (amount, colour, label)) in [
            (d.due, "#9cc3e6", "vencía"),
            (d.collected, "#0f5e9c", "cobrado"),
        ]
        .into_iter()
        .enumerate()
        {
            let h = amount.centavos() as f64 / max * plot;
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
            r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
            x + bar,
            HEIGHT - 10.0,
            d.day.format("%d/%m")
        );
    }
    svg.push_str("</svg>");
    svg
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
    fn every_day_gets_two_bars_with_a_tooltip_and_the_tallest_fills_the_plot() {
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
        assert!(
            svg.contains(&format!("height=\"{:.1}\"", HEIGHT - BOTTOM - TOP)),
            "the largest bar spans the plot"
        );
    }
}
