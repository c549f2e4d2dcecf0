//! What a cut left in the database, read with SQL: its row, its statements, and whether every
//! statement keeps closing = opening + charges − payments + reversals.

use anyhow::Context;
use chrono::NaiveDate;
use credinet_store::sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use credinet_store::sea_orm::{ConnectionTrait, Database, DbBackend};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutState {
    pub status: String,
    pub loans_total: i64,
    pub loans_done: i64,
    pub statements: i64,
    /// Statements whose closing is not opening + charges − payments + reversals.
    pub identity_breaks: i64,
    /// Statements of loans past due at the cut.
    pub past_due: i64,
}

pub async fn cut_state(url: &str, date: NaiveDate) -> anyhow::Result<CutState> {
    let db = Database::connect(url).await?;
    let int = Alias::new(match db.get_database_backend() {
        DbBackend::MySql => "SIGNED",
        _ => "BIGINT",
    });
    let tenant = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("tenant"))
        .and_where(Expr::col(Alias::new("slug")).eq(credinet_portfolio_gen::TENANT_SLUG))
        .to_owned();
    let tenant: i64 = db
        .query_one(&tenant)
        .await?
        .context("the generated tenant is missing")?
        .try_get("", "id")?;
    let cut = Query::select()
        .columns(["status", "loans_total", "loans_done"].map(Alias::new))
        .from(Alias::new("period_cut"))
        .and_where(Expr::col(Alias::new("tenant_id")).eq(tenant))
        .and_where(Expr::col(Alias::new("cut_date")).eq(date))
        .to_owned();
    let Some(cut) = db.query_one(&cut).await? else {
        anyhow::bail!("there is no cut of {date}");
    };
    let sum = |condition: &str| -> Expr {
        Func::cast_as(
            Func::coalesce([
                Func::sum(Expr::cust(format!(
                    "CASE WHEN {condition} THEN 1 ELSE 0 END"
                )))
                .into(),
                Expr::val(0),
            ]),
            int.clone(),
        )
        .into()
    };
    let statements = Query::select()
        .expr_as(
            Func::cast_as(Func::count(Expr::col(Alias::new("id"))), int.clone()),
            Alias::new("n"),
        )
        .expr_as(
            sum("closing <> opening + charges - payments + reversals"),
            Alias::new("broken"),
        )
        .expr_as(sum("days_past_due > 0"), Alias::new("past_due"))
        .from(Alias::new("loan_statement"))
        .and_where(Expr::col(Alias::new("tenant_id")).eq(tenant))
        .and_where(Expr::col(Alias::new("cut_date")).eq(date))
        .to_owned();
    let counted = db
        .query_one(&statements)
        .await?
        .context("counting statements")?;
    let state = CutState {
        status: cut.try_get("", "status")?,
        loans_total: cut.try_get("", "loans_total")?,
        loans_done: cut.try_get("", "loans_done")?,
        statements: counted.try_get("", "n")?,
        identity_breaks: counted.try_get("", "broken")?,
        past_due: counted.try_get("", "past_due")?,
    };
    db.close().await?;
    Ok(state)
}
