//! The lending stories a test starts from: a lender with its staff and products, a client, a loan
//! walked through maker–checker, a payment and its reversal.

use super::{Reply, TestApp};
use credinet_core::role::Role;
use credinet_store::repo::tenants::Tenant;
use serde_json::{Value, json};

/// The day the stories disburse their loans on (SPEC §3's worked examples).
pub const DISBURSED_ON: &str = "2026-01-10";
/// The day the stories' payments are made on, ten days later.
pub const PAID_ON: &str = "2026-01-20";

/// A tenant with a key for each role and the two products of SPEC §3's worked examples.
pub struct Lender {
    pub tenant: Tenant,
    pub admin: String,
    pub manager: String,
    /// A second manager, to approve what the first one submitted.
    pub manager2: String,
    pub cashier: String,
    pub viewer: String,
    /// Six biweekly periods at a flat 5 %.
    pub flat: i64,
    /// Twelve biweekly periods at 3 % on the declining balance.
    pub declining: i64,
}

/// A disbursed loan: its id, its client's, and the disbursement's answer (the loan and its schedule).
pub struct Loan {
    pub id: i64,
    pub client: i64,
    pub detail: Value,
}

impl TestApp {
    pub async fn lender(&self, slug: &str) -> Lender {
        let tenant = self.tenant(slug).await;
        let admin = self.admin_key(&tenant).await;
        let flat = json!({"name": "Quincenal fijo", "periodicity": "biweekly_cut", "term_periods": 6,
            "interest_method": "flat", "rate_per_period": "0.05"});
        let declining = json!({"name": "Quincenal saldos", "periodicity": "biweekly_cut",
            "term_periods": 12, "interest_method": "declining", "rate_per_period": "0.03"});
        let flat = self.product(&admin, flat).await;
        let declining = self.product(&admin, declining).await;
        Lender {
            manager: self.api_key(&tenant, Role::Manager).await,
            manager2: self.api_key(&tenant, Role::Manager).await,
            cashier: self.api_key(&tenant, Role::Cashier).await,
            viewer: self.api_key(&tenant, Role::Viewer).await,
            tenant,
            admin,
            flat,
            declining,
        }
    }

    /// Defines a product with an admin's key; returns its id.
    pub async fn product(&self, admin: &str, body: Value) -> i64 {
        let created = self.post("/v1/products", admin, body).await;
        id(&created.assert_status(201).json())
    }

    /// Registers a client with `key`; returns its id.
    pub async fn client(&self, key: &str, name: &str, phone: &str) -> i64 {
        let body = json!({"full_name": name, "phone": phone});
        let created = self.post("/v1/clients", key, body).await;
        id(&created.assert_status(201).json()["client"])
    }

    /// Drafts an application for `client` with `key`; returns the loan's id.
    pub async fn draft_loan(&self, key: &str, client: i64, product: i64, principal: &str) -> i64 {
        let body = json!({"client_id": client, "product_id": product, "principal": principal});
        let created = self.post("/v1/loans", key, body).await;
        id(&created.assert_status(201).json())
    }

    /// An application for `client`, drafted and submitted by the cashier; returns the loan's id.
    pub async fn submitted_loan(
        &self,
        l: &Lender,
        client: i64,
        product: i64,
        principal: &str,
    ) -> i64 {
        let loan = self
            .draft_loan(&l.cashier, client, product, principal)
            .await;
        let path = format!("/v1/loans/{loan}/submit");
        self.post(&path, &l.cashier, json!({}))
            .await
            .assert_status(200);
        loan
    }

    /// A new client's loan, drafted and submitted by the cashier, approved and disbursed by a manager
    /// on [`DISBURSED_ON`].
    pub async fn disbursed_loan(&self, l: &Lender, product: i64, principal: &str) -> Loan {
        self.disburse(l, product, principal, json!({"disbursed_on": DISBURSED_ON}))
            .await
    }

    /// [`disbursed_loan`](Self::disbursed_loan), disbursed today.
    pub async fn disbursed_loan_today(&self, l: &Lender, product: i64, principal: &str) -> Loan {
        self.disburse(l, product, principal, json!({})).await
    }

    async fn disburse(&self, l: &Lender, product: i64, principal: &str, on: Value) -> Loan {
        let client = self.client(&l.cashier, "María López", &next_phone()).await;
        let loan = self.submitted_loan(l, client, product, principal).await;
        let approve = format!("/v1/loans/{loan}/approve");
        self.post(&approve, &l.manager, json!({}))
            .await
            .assert_status(200);
        let disburse = format!("/v1/loans/{loan}/disburse");
        let detail = self
            .post(&disburse, &l.manager, on)
            .await
            .assert_status(200);
        Loan {
            id: loan,
            client,
            detail: detail.json(),
        }
    }

    /// A cash payment of `amount` on [`PAID_ON`].
    pub async fn post_payment(&self, loan: i64, amount: &str, key: &str) -> Reply {
        let path = format!("/v1/loans/{loan}/payments");
        self.post(&path, key, cash_payment(amount)).await
    }

    /// A cash payment of `amount` on [`PAID_ON`] that must be accepted; returns its id.
    pub async fn pay(&self, loan: i64, amount: &str, key: &str) -> i64 {
        let receipt = self.post_payment(loan, amount, key).await;
        id(&receipt.assert_status(201).json()["payment"])
    }

    /// A cash payment of `amount` today.
    pub async fn post_payment_today(&self, loan: i64, amount: &str, key: &str) -> Reply {
        let body = json!({"amount": amount, "method": "cash"});
        self.post(&format!("/v1/loans/{loan}/payments"), key, body)
            .await
    }

    /// Reverses a payment with `key`, giving `reason`.
    pub async fn reverse(&self, payment: i64, reason: &str, key: &str) -> Reply {
        let path = format!("/v1/payments/{payment}/reversal");
        self.post(&path, key, json!({"reason": reason})).await
    }

    /// `GET /v1/loans/{id}`: the loan and its installments.
    pub async fn loan(&self, loan: i64, key: &str) -> Value {
        self.get_json(&format!("/v1/loans/{loan}"), key).await
    }
}

/// The body of a cash payment of `amount` on [`PAID_ON`].
pub fn cash_payment(amount: &str) -> Value {
    json!({"amount": amount, "method": "cash", "paid_on": PAID_ON})
}

#[track_caller]
fn id(created: &Value) -> i64 {
    created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {created}"))
}

/// A phone number no other client of the test has.
fn next_phone() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1_000_000);
    let digits = NEXT.fetch_add(7919, Ordering::Relaxed) % 100_000_000;
    format!("55{digits:08}")
}

/// Money as the API writes it ("1234.50"), in centavos.
#[track_caller]
pub fn cents(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("money as a string: {v}"));
    let (whole, frac) = s.split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

const COMPONENTS: [&str; 5] = [
    "principal",
    "interest",
    "interest_iva",
    "late_fee",
    "late_fee_iva",
];

/// The loan's cached balance equals the sum of its installments, nothing is paid beyond what is due,
/// and the allocations add up to what was paid.
#[track_caller]
pub fn assert_balances(detail: &Value) {
    let rows = detail["installments"].as_array().unwrap();
    let outstanding: i64 = rows.iter().map(|i| cents(&i["outstanding"])).sum();
    assert_eq!(outstanding, cents(&detail["loan"]["outstanding"]));
    for i in rows {
        for c in COMPONENTS {
            assert!(
                cents(&i["paid"][c]) <= cents(&i["due"][c]),
                "installment {} {c} overpaid",
                i["number"]
            );
        }
    }
    let paid: i64 = rows
        .iter()
        .flat_map(|i| COMPONENTS.map(|c| cents(&i["paid"][c])))
        .sum();
    assert_eq!(
        paid,
        cents(&detail["loan"]["total_paid"]),
        "Σ allocations = Σ payments − Σ reversals"
    );
}
