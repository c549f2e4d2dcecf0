//! The plan decides everything a payment writes without a database: these tests run it on a loan built
//! in memory.

use super::*;
use crate::Refusal;
use crate::payments::PaymentMethod;
use chrono::TimeZone;
use credinet_core::ids::{ClientId, LoanId, ProductId};
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::rate::Rate;
use credinet_store::repo::audit::{Actor, ActorKind, Origin};

fn m(centavos: i64) -> Money {
    Money::from_centavos(centavos)
}

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, day).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 20, 15, 0, 0).unwrap()
}

fn cashier() -> Requester {
    Requester {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(1),
            label: "cajero@demo.mx".into(),
        },
        origin: Origin::default(),
    }
}

/// A disbursed loan of two installments of 529.00 each (500.00 principal, 25.00 interest, 4.00 IVA).
fn state() -> LoanState {
    let terms = ProductTerms::new(
        Periodicity::BiweeklyCut,
        2,
        InterestMethod::Flat,
        Rate::parse("0.05").unwrap(),
    )
    .unwrap();
    let loan = Loan {
        id: LoanId::new(7),
        number: "000007".into(),
        client_id: ClientId::new(1),
        product_id: ProductId::new(1),
        principal: m(100_000),
        terms,
        status: LoanStatus::Disbursed,
        version: 3,
        submitted_by: None,
        approved_by: None,
        rejected_by: None,
        written_off_by: None,
        rejection_reason: None,
        write_off_reason: None,
        created_at: now(),
        updated_at: now(),
        submitted_at: None,
        approved_at: None,
        rejected_at: None,
        disbursed_at: Some(now()),
        paid_at: None,
        written_off_at: None,
        disbursed_on: Some(d(10)),
        opening_commission: None,
        commission_iva: None,
        net_disbursed: None,
        cat: None,
        total_due: m(105_800),
        total_paid: Money::ZERO,
        outstanding: m(105_800),
    };
    let row = |id: i64, number: i32| installment::Model {
        id,
        tenant_id: 1,
        loan_id: 7,
        number,
        due_date: d(22),
        principal: 50_000,
        interest: 2_500,
        interest_iva: 400,
        late_fee: 0,
        late_fee_iva: 0,
        paid_principal: 0,
        paid_interest: 0,
        paid_interest_iva: 0,
        paid_late_fee: 0,
        paid_late_fee_iva: 0,
    };
    LoanState::load(loan, vec![row(71, 1), row(72, 2)]).unwrap()
}

fn request(centavos: i64) -> Request {
    let input = PaymentInput {
        loan: LoanId::new(7),
        amount: m(centavos),
        paid_on: None,
        method: PaymentMethod::Cash,
        reference: Some("  recibo 1 ".into()),
        idempotency_key: None,
    };
    Request::new(input, cashier(), d(20)).unwrap()
}

#[test]
fn a_payment_is_planned_oldest_installment_first_and_only_what_it_touched_is_written() {
    let mut state = state();
    let planned = state.pay(request(60_000), now()).unwrap();
    assert_eq!(planned.row().paid_on, d(20), "booked today when undated");
    assert_eq!(planned.row().reference.as_deref(), Some("recibo 1"));
    let lines: Vec<(u32, i64)> = planned
        .lines
        .iter()
        .map(|l| (l.installment_number, l.amount.centavos()))
        .collect();
    let first_installment: i64 = lines.iter().filter(|l| l.0 == 1).map(|l| l.1).sum();
    assert_eq!(
        first_installment, 52_900,
        "the first installment is paid in full"
    );
    assert_eq!(lines.iter().map(|l| l.1).sum::<i64>(), 60_000);
    let ids: Vec<i64> = state.installment_writes().iter().map(|w| w.0).collect();
    assert_eq!(ids, [71, 72]);
    let loan = state.loan_write();
    assert_eq!(
        (
            loan.balances.total_paid,
            loan.balances.outstanding,
            loan.status.as_str()
        ),
        (60_000, 45_800, "disbursed")
    );
    let records = planned.records(PaymentId::new(40), now());
    assert_eq!(records.entry.0.action, "payment_registered");
    assert_eq!(records.entry.1.kind, EventKind::PaymentRegistered);
    assert!(records.transition.is_none(), "the loan is still owed");
    assert_eq!(records.receipt.loan_outstanding, m(45_800));
}

#[test]
fn the_payment_that_pays_the_loan_off_plans_the_loans_transition_after_its_own_entry() {
    let mut state = state();
    state.pay(request(60_000), now()).unwrap();
    let last = state.pay(request(45_800), now()).unwrap();
    assert_eq!(
        last.before.outstanding,
        m(45_800),
        "planned after the first"
    );
    let records = last.records(PaymentId::new(41), now());
    let (record, event) = records.transition.expect("the loan is paid");
    assert_eq!(
        (record.action, event.kind),
        ("loan_paid", EventKind::LoanPaid)
    );
    assert_eq!(records.receipt.loan_status, LoanStatus::Paid);
    assert_eq!(state.loan_write().paid_at, Some(now()));
}

#[test]
fn a_refused_payment_leaves_the_state_as_it_was() {
    let mut state = state();
    match state.pay(request(105_801), now()) {
        Err(LendingError::AbovePayoff { payoff, .. }) => assert_eq!(payoff, m(105_800)),
        other => panic!("above the payoff expected, got {:?}", other.err()),
    }
    let mut early = request(100);
    early.paid_on = d(9);
    assert!(matches!(
        state.pay(early, now()),
        Err(LendingError::Refused(
            Refusal::PaidBeforeDisbursement { .. }
        ))
    ));
    assert!(!state.changed());
    assert!(state.pay(request(105_800), now()).is_ok());
}

#[test]
fn a_reversal_undoes_exactly_its_payment_and_reopens_a_paid_loan() {
    let mut state = state();
    let planned = state.pay(request(105_800), now()).unwrap();
    let allocations: Vec<Allocation> = planned
        .lines
        .iter()
        .map(|l| Allocation {
            installment: l.installment_number,
            component: l.component,
            amount: l.amount,
        })
        .collect();
    let payment = planned.records(PaymentId::new(42), now()).receipt.payment;
    let by = cashier();
    let reversal = reversal(
        &mut state,
        &payment,
        &allocations,
        "error".into(),
        d(20),
        &by,
        now(),
    )
    .unwrap();
    assert_eq!(reversal.row.amount, 105_800);
    assert_eq!(reversal.entry.0.action, "payment_reversed");
    let (record, _) = reversal.transition.expect("the loan is reopened");
    assert_eq!(record.action, "loan_disbursed");
    assert_eq!(
        (
            reversal.after.status,
            reversal.after.outstanding,
            reversal.after.paid_at
        ),
        (LoanStatus::Disbursed, m(105_800), None)
    );
    assert!(
        state
            .installment_writes()
            .iter()
            .all(|(_, p)| p.principal == 0)
    );
}
