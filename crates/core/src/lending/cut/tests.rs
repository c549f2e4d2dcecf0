use super::*;
use crate::lending::terms::{InterestMethod, Periodicity};
use crate::rate::{Rate, Rounding};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(centavos: i64) -> Money {
    Money::from_centavos(centavos)
}

fn cut(date: NaiveDate) -> CutDate {
    CutDate::parse(date, &CutDays::default(), d(2030, 1, 1)).unwrap()
}

fn due(principal: i64, interest: i64, iva: i64) -> Components {
    Components {
        principal: m(principal),
        interest: m(interest),
        interest_iva: m(iva),
        ..Components::default()
    }
}

/// Installment `number` of 1,000.00 + 50.00 + 8.00, due on `due_date`, with `paid` centavos paid
/// (interest IVA, interest, then principal, as the default allocation order leaves it).
fn installment(number: u32, due_date: NaiveDate, paid: i64) -> InstallmentAtCut {
    let due = due(100_000, 5_000, 800);
    let iva = paid.min(800);
    let interest = (paid - iva).min(5_000);
    let principal = paid - iva - interest;
    InstallmentAtCut {
        number,
        due_date,
        due,
        paid: Components {
            interest_iva: m(iva),
            interest: m(interest),
            principal: m(principal),
            ..Components::default()
        },
        charged_before: false,
    }
}

fn loan(installments: Vec<InstallmentAtCut>) -> LoanAtCut {
    let owed: i64 = installments
        .iter()
        .map(|i| owed_as_of(i).unwrap().centavos())
        .sum();
    LoanAtCut {
        installments,
        late_fee: LateFeeCharge {
            fee: m(15_000),
            iva: m(2_400),
        },
        previous_closing: None,
        payments: Money::ZERO,
        reversals: Money::ZERO,
        owed_now: m(owed),
    }
}

#[test]
fn a_cut_date_must_be_a_cut_day_and_not_in_the_future() {
    let days = CutDays::default();
    let today = d(2026, 3, 10);
    assert_eq!(
        CutDate::parse(d(2026, 3, 9), &days, today),
        Err(CutDateError::NotACutDay {
            date: d(2026, 3, 9),
            cut_days: days.clone()
        })
    );
    assert_eq!(
        CutDate::parse(d(2026, 3, 23), &days, today),
        Err(CutDateError::InTheFuture {
            date: d(2026, 3, 23),
            today
        })
    );
    let error = CutDate::parse(d(2026, 3, 9), &days, today).unwrap_err();
    assert!(
        error.to_string().contains("8, 23") || error.to_string().contains("8,23"),
        "{error}"
    );
    let cut = CutDate::parse(d(2026, 3, 8), &days, today).unwrap();
    assert_eq!(cut.period_start(), d(2026, 2, 23));
    let cut = CutDate::parse(d(2026, 1, 8), &days, today).unwrap();
    assert_eq!(cut.period_start(), d(2025, 12, 23));
    let cut = CutDate::parse(d(2026, 2, 23), &days, today).unwrap();
    assert_eq!(cut.period_start(), d(2026, 2, 8));
    let one_day = CutDays::new([1]).unwrap();
    let cut = CutDate::parse(d(2026, 3, 1), &one_day, today).unwrap();
    assert_eq!(cut.period_start(), d(2026, 2, 1));
}

#[test]
fn the_late_fee_iva_follows_the_products_rate_and_rounding() {
    let terms = ProductTerms::new(
        Periodicity::BiweeklyCut,
        6,
        InterestMethod::Flat,
        Rate::parse("0.05").unwrap(),
    )
    .unwrap()
    .with_late_fee(m(12_345))
    .unwrap();
    // 123.45 × 0.16 = 19.752 → 19.75
    assert_eq!(
        LateFeeCharge::of(&terms).unwrap(),
        LateFeeCharge {
            fee: m(12_345),
            iva: m(1_975)
        }
    );
    // 10.00 × 0.16 = 1.60; with IVA at 8 % and rounding down, 123.45 × 0.08 = 9.876 → 9.87.
    let border = terms
        .with_iva_rate(Rate::parse("0.08").unwrap())
        .with_rounding(Rounding::Down);
    assert_eq!(LateFeeCharge::of(&border).unwrap().iva, m(987));
}

#[test]
fn an_unpaid_installment_due_the_day_before_the_cut_becomes_overdue_and_is_charged_once() {
    let at = cut(d(2026, 1, 8));
    // Wednesday Jan 7, 2026: a business day.
    let l = loan(vec![
        installment(1, d(2026, 1, 7), 0),
        installment(2, d(2026, 1, 22), 0),
    ]);
    let result = cut_loan(&l, at, &BTreeSet::new()).unwrap();
    assert_eq!(result.newly_overdue, vec![1]);
    let s = result.statement;
    assert_eq!(s.late_fee, m(15_000));
    assert_eq!(s.late_fee_iva, m(2_400));
    assert_eq!(s.overdue, m(105_800 + 17_400));
    assert_eq!(s.overdue_installments, 1);
    assert_eq!(s.days_past_due, 1);
    assert_eq!(s.bucket, DelinquencyBucket::D1To15);
    assert_eq!(s.next_due_date, Some(d(2026, 1, 22)));
    assert_eq!(s.next_due_amount, m(105_800));
    assert_eq!(s.opening, m(2 * 105_800));
    assert_eq!(s.closing, m(2 * 105_800 + 17_400));
    assert_eq!(s.billed, m(105_800));
    assert!(!result.settled);

    // The next cut: charged before, still unpaid, so no second fee; days past due grow.
    let mut again = l.clone();
    again.installments[0].due.late_fee = m(15_000);
    again.installments[0].due.late_fee_iva = m(2_400);
    again.installments[0].charged_before = true;
    again.previous_closing = Some(s.closing);
    again.owed_now = s.closing;
    let next = cut_loan(&again, cut(d(2026, 1, 23)), &BTreeSet::new()).unwrap();
    assert_eq!(next.newly_overdue, vec![2]);
    assert_eq!(next.statement.late_fee, m(15_000));
    assert_eq!(next.statement.days_past_due, 16);
    assert_eq!(next.statement.bucket, DelinquencyBucket::D16To30);
    assert_eq!(next.statement.overdue, m(2 * (105_800 + 17_400)));
    assert_eq!(next.statement.next_due_date, None);
}

#[test]
fn a_paid_installment_is_not_overdue_and_a_partial_payment_is() {
    let at = cut(d(2026, 1, 8));
    let l = loan(vec![installment(1, d(2026, 1, 7), 105_800)]);
    let result = cut_loan(&l, at, &BTreeSet::new()).unwrap();
    assert!(result.newly_overdue.is_empty());
    assert_eq!(result.statement.days_past_due, 0);
    assert_eq!(result.statement.bucket, DelinquencyBucket::Current);
    assert!(result.settled);
    let l = loan(vec![installment(1, d(2026, 1, 7), 105_799)]);
    let result = cut_loan(&l, at, &BTreeSet::new()).unwrap();
    assert_eq!(result.newly_overdue, vec![1]);
    assert_eq!(result.statement.overdue, m(1 + 17_400));
}

#[test]
fn a_due_date_on_a_weekend_or_holiday_is_due_the_next_business_day() {
    // Saturday Feb 7, 2026: effective Monday Feb 9, after the cut of the 8th.
    let l = loan(vec![installment(1, d(2026, 2, 7), 0)]);
    let result = cut_loan(&l, cut(d(2026, 2, 8)), &BTreeSet::new()).unwrap();
    assert!(result.newly_overdue.is_empty());
    assert_eq!(result.statement.next_due_date, Some(d(2026, 2, 7)));
    // Wednesday Jan 7 made a holiday: effective Thursday Jan 8, not before the cut of the 8th.
    let l = loan(vec![installment(1, d(2026, 1, 7), 0)]);
    let holidays = BTreeSet::from([d(2026, 1, 7)]);
    assert!(
        cut_loan(&l, cut(d(2026, 1, 8)), &holidays)
            .unwrap()
            .newly_overdue
            .is_empty()
    );
    // By the cut of the 23rd it is overdue, 15 days counted from the effective date.
    let late = cut_loan(&l, cut(d(2026, 1, 23)), &holidays).unwrap();
    assert_eq!(late.newly_overdue, vec![1]);
    assert_eq!(late.statement.days_past_due, 15);
}

#[test]
fn a_statement_that_does_not_add_up_to_what_is_owed_is_refused() {
    let mut l = loan(vec![installment(1, d(2026, 1, 22), 0)]);
    l.previous_closing = Some(m(1));
    assert!(matches!(
        cut_loan(&l, cut(d(2026, 1, 8)), &BTreeSet::new()),
        Err(CutError::Unbalanced { .. })
    ));
    let mut bad = loan(vec![installment(1, d(2026, 1, 22), 0)]);
    bad.installments[0].paid.principal = m(100_001);
    assert_eq!(
        cut_loan(&bad, cut(d(2026, 1, 8)), &BTreeSet::new()),
        Err(CutError::PaidBeyondDue(1))
    );
}

#[test]
fn the_summary_weighs_par_by_principal() {
    let mut summary = CutSummary::default();
    let l = loan(vec![installment(1, d(2026, 1, 7), 0)]);
    let line = cut_loan(&l, cut(d(2026, 1, 23)), &BTreeSet::new())
        .unwrap()
        .statement;
    summary.add(&line).unwrap();
    let current = cut_loan(
        &loan(vec![installment(1, d(2026, 2, 7), 0)]),
        cut(d(2026, 1, 23)),
        &BTreeSet::new(),
    )
    .unwrap()
    .statement;
    summary.add(&current).unwrap();
    summary.add(&current).unwrap();
    assert_eq!(summary.loans, 3);
    assert_eq!(summary.overdue_loans, 1);
    assert_eq!(summary.outstanding_principal, m(300_000));
    assert_eq!(summary.par15_principal, m(100_000));
    assert_eq!(summary.par30_principal, Money::ZERO);
    assert_eq!(summary.par15_percent().to_string(), "33.33");
    assert_eq!(
        CutSummary::default().par30_percent(),
        rust_decimal::Decimal::ZERO
    );
}

fn arb_loan() -> impl Strategy<Value = (LoanAtCut, u32)> {
    (
        proptest::collection::vec((0i64..=105_800, any::<bool>()), 1..12),
        0u32..24,
        0i64..50_000,
    )
        .prop_map(|(rows, cut_index, payments)| {
            let mut date = d(2026, 1, 7);
            let installments = rows
                .into_iter()
                .enumerate()
                .map(|(i, (paid, charged))| {
                    let mut row = installment(u32::try_from(i).unwrap() + 1, date, paid);
                    if charged {
                        row.due.late_fee = m(15_000);
                        row.due.late_fee_iva = m(2_400);
                        row.charged_before = true;
                    }
                    date = if date.day() == 7 {
                        date.with_day(22).unwrap()
                    } else {
                        date.checked_add_months(chrono::Months::new(1))
                            .unwrap()
                            .with_day(7)
                            .unwrap()
                    };
                    row
                })
                .collect();
            let mut l = loan(installments);
            l.payments = m(payments);
            (l, cut_index)
        })
}

proptest! {
    #[test]
    fn the_statement_identity_always_holds_and_the_fee_is_charged_once((l, k) in arb_loan()) {
        let date = d(2026, 1, 8)
            .checked_add_months(chrono::Months::new(k / 2))
            .unwrap()
            .with_day(if k % 2 == 0 { 8 } else { 23 })
            .unwrap();
        let result = cut_loan(&l, cut(date), &BTreeSet::new()).unwrap();
        let s = result.statement;
        prop_assert_eq!(s.expected_closing(), Some(s.closing));
        for number in &result.newly_overdue {
            let row = l.installments.iter().find(|i| i.number == *number).unwrap();
            prop_assert!(!row.charged_before);
            prop_assert!(row.due_date < date);
        }
        prop_assert_eq!(
            s.late_fee,
            m(15_000 * i64::try_from(result.newly_overdue.len()).unwrap())
        );
        prop_assert_eq!(s.bucket, DelinquencyBucket::from_days_past_due(s.days_past_due));
        prop_assert_eq!(s.overdue_installments == 0, s.days_past_due == 0);
        prop_assert!(s.overdue <= s.closing);
    }
}
