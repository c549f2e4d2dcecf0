//! The borrowers: `credinet-portfolio-gen`'s fresh book (one tenant, N clients each with a disbursed
//! loan of 10,000.00, nothing paid), every client given a birth date to verify with, and the tenant's
//! AutoResponder token.

use chrono::NaiveDate;
use credinet_assistant::channel_config::{self, ChannelChange};
use credinet_portfolio_gen::{Book, Spec, generate};
use credinet_store::Store;
use credinet_store::entities::{client, loan};
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::Tenant;
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Every seeded borrower's birth date: one value is enough, the phone tells them apart.
pub const BIRTH_DATE: &str = "12/05/1985";

pub struct Borrower {
    /// As the AutoResponder app shows a Mexican mobile: `+521…`.
    pub sender: String,
    /// The ten digits the borrower gives as their identifier.
    pub phone: String,
    pub loan_number: String,
}

pub struct Seeded {
    pub tenant: Tenant,
    pub token: String,
    pub borrowers: Vec<Borrower>,
}

pub async fn seed(store: &Store, n: usize) -> anyhow::Result<Seeded> {
    let spec = Spec {
        loans: n,
        book: Book::Fresh,
        seed: 0,
        now: store.now(),
    };
    let generated = generate(store, spec, |_| {}).await?;
    let tenant = generated.tenant;
    let born = NaiveDate::from_ymd_opt(1985, 5, 12).expect("a date");
    client::Entity::update_many()
        .col_expr(client::Column::BirthDate, born.into())
        .filter(client::Column::TenantId.eq(tenant.id.get()))
        .exec(store.db())
        .await?;
    let change = ChannelChange {
        new_autoresponder_token: true,
        ..ChannelChange::default()
    };
    let token = channel_config::configure(store, tenant.id, change, &Requester::cli())
        .await?
        .autoresponder_token
        .ok_or_else(|| anyhow::anyhow!("no AutoResponder token was made"))?;

    let phones: HashMap<i64, String> = client::Entity::find()
        .filter(client::Column::TenantId.eq(tenant.id.get()))
        .all(store.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.phone))
        .collect();
    let loans = loan::Entity::find()
        .filter(loan::Column::TenantId.eq(tenant.id.get()))
        .order_by_asc(loan::Column::Id)
        .all(store.db())
        .await?;
    let mut borrowers = Vec::with_capacity(loans.len());
    for l in loans {
        let e164 = phones
            .get(&l.client_id)
            .ok_or_else(|| anyhow::anyhow!("loan {} has no client", l.number))?;
        let national = e164
            .strip_prefix("+52")
            .ok_or_else(|| anyhow::anyhow!("{e164} is not a Mexican number"))?;
        borrowers.push(Borrower {
            sender: format!("+521{national}"),
            phone: national.to_string(),
            loan_number: l.number,
        });
    }
    anyhow::ensure!(
        borrowers.len() == n,
        "{} borrowers seeded, {n} asked",
        borrowers.len()
    );
    Ok(Seeded {
        tenant,
        token,
        borrowers,
    })
}
