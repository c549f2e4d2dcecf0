//! The portfolio the payments are posted to: `credinet-portfolio-gen`'s fresh book (one tenant, a
//! cashier key, N clients with one loan of 10,000.00 each, disbursed three weeks ago, nothing paid),
//! the same generator the cut benchmark loads its books in arrears with.

use credinet_core::ids::TenantId;
use credinet_portfolio_gen::{Book, Spec, generate};
use credinet_store::Store;

pub struct Seeded {
    pub tenant: TenantId,
    pub cashier_key: String,
    /// Loan ids, by loan index.
    pub loans: Vec<i64>,
    /// Payoff of each loan, by index.
    pub outstanding: Vec<i64>,
    pub installments: u64,
}

pub async fn seed(store: &Store, n: usize) -> anyhow::Result<Seeded> {
    let spec = Spec {
        loans: n,
        book: Book::Fresh,
        seed: 0,
        now: store.now(),
    };
    let generated = generate(store, spec, |_| {}).await?;
    Ok(Seeded {
        tenant: generated.tenant.id,
        cashier_key: generated.cashier_key,
        loans: generated.loans,
        outstanding: generated.outstanding,
        installments: generated.installments,
    })
}
