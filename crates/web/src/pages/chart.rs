//! Small server-rendered SVG charts: no JavaScript, no CDN, readable without colour (each series has a
//! legend and every bar a tooltip).

use credinet_lending::portfolio::Day;
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use credinet_core::money::Money;

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
