//! The period cut (SPEC §3): one `period_cut` row per (tenant, cut date), one `loan_statement` per loan
//! and cut, and the marks that make a cut happen exactly once however often it is run or resumed.
//!
//! - `period_cut`: claimed by inserting it (unique per tenant and date); `last_loan_id` is the checkpoint
//!   (loans are cut in id order, one page per transaction), so a resumed cut skips the pages already
//!   committed; the summary columns are written when it is done.
//! - `loan_statement`: unique per (tenant, loan, cut date).
//! - `loan.last_cut_on` / `loan.statement_balance`: the last cut that gave the loan a statement and that
//!   statement's closing (the next one's opening). A page takes only loans not yet cut on its date.
//! - `installment.overdue_cut_on`: the cut that found the installment overdue and charged its late fee,
//!   so no later cut charges it again.
//! - `payment.cut_on` / `payment_reversal.cut_on`: the cut whose statement counted it, so each payment
//!   and reversal is on exactly one statement, even one booked with an earlier date after that date's cut.
//!
//! The marks are not on the existing entities: they belong to the cut, which reads and writes them with
//! SeaQuery (`repo::cuts`), and the rest of the code has no reason to see them.

use super::columns::{
    big_int, big_int_null, fk, id, index, instant, int, sql, string, table, tenant_id,
};
use sea_orm::sea_query::{ColumnDef, Table};
use sea_orm::{DbBackend, Statement};

fn date(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().not_null().to_owned()
}

fn date_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().null().to_owned()
}

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let mut cut = table("period_cut");
    cut.col(id())
        .col(tenant_id())
        .col(date("cut_date"))
        .col(date("period_start"))
        .col(string("status", 16))
        .col(big_int("loans_total"))
        .col(big_int("loans_done"))
        .col(big_int("pages_done"))
        .col(big_int("last_loan_id"))
        .col(instant(b, "started_at").not_null())
        .col(instant(b, "finished_at").null());
    for total in [
        "statements",
        "billed",
        "collected",
        "reversed",
        "charged",
        "overdue",
        "overdue_loans",
        "outstanding",
        "outstanding_principal",
        "par15_principal",
        "par30_principal",
    ] {
        cut.col(big_int(total));
    }
    cut.foreign_key(&mut fk("period_cut", "tenant_id", "tenant"));

    let mut statement = table("loan_statement");
    statement
        .col(id())
        .col(tenant_id())
        .col(big_int("cut_id"))
        .col(big_int("loan_id"))
        .col(date("cut_date"))
        .col(big_int("opening"))
        .col(big_int("late_fee"))
        .col(big_int("late_fee_iva"))
        .col(big_int("charges"))
        .col(big_int("payments"))
        .col(big_int("reversals"))
        .col(big_int("closing"))
        .col(big_int("billed"))
        .col(big_int("overdue"))
        .col(int("overdue_installments"))
        .col(int("days_past_due"))
        .col(string("bucket", 16))
        .col(big_int("outstanding_principal"))
        .col(date_null("next_due_date"))
        .col(big_int("next_due_amount"))
        .col(string("loan_status", 16))
        .foreign_key(&mut fk("loan_statement", "tenant_id", "tenant"))
        .foreign_key(&mut fk("loan_statement", "cut_id", "period_cut"))
        .foreign_key(&mut fk("loan_statement", "loan_id", "loan"));

    let idx = |name, table, cols: &[&'static str], unique| index(b, name, table, cols, unique);
    let add =
        |table: &'static str, col: ColumnDef| sql(b, Table::alter().table(table).add_column(col));
    vec![
        sql(b, &mut cut),
        // Exactly once per tenant and date: the second claimant finds the first's row.
        idx(
            "ux_period_cut_tenant_date",
            "period_cut",
            &["tenant_id", "cut_date"],
            true,
        ),
        sql(b, &mut statement),
        idx(
            "ux_loan_statement_tenant_loan_date",
            "loan_statement",
            &["tenant_id", "loan_id", "cut_date"],
            true,
        ),
        idx(
            "ix_loan_statement_tenant_cut",
            "loan_statement",
            &["tenant_id", "cut_id", "loan_id"],
            false,
        ),
        add("loan", date_null("last_cut_on")),
        add("loan", big_int_null("statement_balance")),
        add("installment", date_null("overdue_cut_on")),
        add("payment", date_null("cut_on")),
        add("payment_reversal", date_null("cut_on")),
    ]
}
