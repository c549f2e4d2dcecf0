use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pesos(centavos: i64) -> Money {
    Money::from_centavos(centavos)
}

/// A loan with one missed installment charged at the cut of 8 March, a payment and a reversal.
fn statement(lines: usize) -> Statement {
    let mut movements = vec![
        StatementLine {
            date: date(2026, 3, 8),
            kind: LineKind::LateFee,
            detail: "Cuota 3".into(),
            amount: pesos(15_000),
        },
        StatementLine {
            date: date(2026, 3, 8),
            kind: LineKind::LateFeeIva,
            detail: "Cuota 3".into(),
            amount: pesos(2_400),
        },
    ];
    for i in 0..lines.saturating_sub(2) {
        movements.push(StatementLine {
            date: date(2026, 2, 23 + (i % 5) as u32),
            kind: if i % 2 == 0 {
                LineKind::Payment
            } else {
                LineKind::Reversal
            },
            detail: format!("folio {i}"),
            amount: pesos(10_000),
        });
    }
    movements.truncate(lines);
    let payments = movements
        .iter()
        .filter(|l| l.kind == LineKind::Payment)
        .count() as i64
        * 10_000;
    let reversals = movements
        .iter()
        .filter(|l| l.kind == LineKind::Reversal)
        .count() as i64
        * 10_000;
    let charges = movements
        .iter()
        .filter(|l| matches!(l.kind, LineKind::LateFee | LineKind::LateFeeIva))
        .map(|l| l.amount.centavos())
        .sum::<i64>();
    let opening = 1_234_567;
    Statement {
        lender: "Caja Solidaria del Bajío, S.C. de A.P.".into(),
        client: "María José Núñez Peña".into(),
        loan_number: "P-000042".into(),
        cut_date: date(2026, 3, 8),
        period_from: date(2026, 2, 23),
        opening: pesos(opening),
        charges: pesos(charges),
        payments: pesos(payments),
        reversals: pesos(reversals),
        closing: pesos(opening + charges - payments + reversals),
        overdue: pesos(109_000),
        days_past_due: 16,
        bucket: DelinquencyBucket::D16To30,
        next_due: Some((date(2026, 3, 22), pesos(109_000))),
        lines: movements,
    }
}

#[test]
fn a_statement_that_does_not_balance_is_refused_with_its_figures() {
    let mut s = statement(3);
    s.closing = s.closing.checked_add(pesos(1)).unwrap();
    match s.to_pdf() {
        Err(DocumentError::Unbalanced {
            opening, closing, ..
        }) => {
            assert_eq!(opening, "$12,345.67");
            assert_eq!(closing, s.closing.to_string());
        }
        other => panic!("an unbalanced statement must be refused, got {other:?}"),
    }
}

#[test]
fn the_first_page_shows_the_balance_in_pesos_and_where_the_loan_stands_in_spanish() {
    let s = statement(4);
    let pages = s.layout();
    assert_eq!(pages.len(), 1);
    let texts = pages[0].texts();
    for expected in [
        "Estado de cuenta",
        "Corte del 08/03/2026",
        "María José Núñez Peña",
        "del 23/02/2026 al 07/03/2026",
        "Saldo anterior",
        "$12,345.67",
        "= Saldo al corte",
        &s.closing.to_string(),
        "16 a 30 días",
        "22/03/2026",
        "$1,090.00",
        "Comisión por atraso · Cuota 3",
        "$150.00",
        "IVA de la comisión por atraso · Cuota 3",
        "$24.00",
        "Página 1 de 1",
    ] {
        assert!(
            texts.contains(&expected),
            "the page shows {expected:?}; it has {texts:?}"
        );
    }
}

#[test]
fn a_period_without_movements_says_so() {
    let s = statement(0);
    let texts = s.layout()[0].texts().join("|");
    assert!(texts.contains("Sin movimientos en el periodo."), "{texts}");
    assert!(s.to_pdf().is_ok());
}

#[test]
fn many_movements_continue_on_numbered_pages_and_none_is_lost() {
    let lines = FIRST_PAGE_LINES + OTHER_PAGE_LINES + 3;
    let s = statement(lines);
    let pages = s.layout();
    assert_eq!(pages.len(), 3);
    for (i, page) in pages.iter().enumerate() {
        let texts = page.texts();
        assert!(texts.contains(&format!("Página {} de 3", i + 1).as_str()));
        assert!(texts.contains(&"P-000042"), "every page names the loan");
    }
    let folios: usize = pages
        .iter()
        .map(|p| p.texts().iter().filter(|t| t.contains("folio ")).count())
        .sum();
    assert_eq!(
        folios,
        lines - 2,
        "every payment and reversal is printed once"
    );
    assert!(
        pages[1]
            .texts()
            .contains(&"Movimientos del periodo (continuación)")
    );
}

#[test]
fn every_mark_stays_on_the_paper_above_the_footer() {
    let pages = statement(FIRST_PAGE_LINES + OTHER_PAGE_LINES).layout();
    for page in &pages {
        for mark in &page.marks {
            if let crate::sheet::Mark::Text { y, text, .. } = mark {
                let footer = text.starts_with("Página") || text.starts_with("Importes");
                assert!(*y > 0.0 && *y < PAGE_HEIGHT, "{text} is on the page");
                assert!(
                    footer || *y < PAGE_HEIGHT - 52.0,
                    "{text} at {y} runs into the footer"
                );
            }
        }
    }
}

#[test]
fn the_pdf_embeds_its_fonts_and_carries_a_spanish_title() {
    let pdf = statement(6).to_pdf().unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("/FontFile2") || raw.contains("/FontFile3"),
        "the font program is embedded"
    );
    assert!(
        !raw.contains("/BaseFont /Helvetica"),
        "no font is left to the reader's machine"
    );
    assert!(
        pdf.len() < 200_000,
        "fonts are subset ({} bytes)",
        pdf.len()
    );
    if let Ok(dir) = std::env::var("CREDINET_DOCUMENTS_OUT") {
        std::fs::write(
            std::path::Path::new(&dir).join("estado-de-cuenta.pdf"),
            &pdf,
        )
        .unwrap();
    }
}
