use credinet_core::masked;
use sea_orm::entity::prelude::*;

/// A client row. `Debug` is written by hand: the row is personal data and only its ids, dates and the
/// presence of each field may reach a log.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub full_name: String,
    /// `full_name` folded by `credinet_core::search::fold` (lower case, no accents): what a search compares.
    /// Written with the name on every insert and update (migration 10).
    pub search_name: String,
    /// E.164, e.g. `+525512345678`.
    pub phone: String,
    pub curp: Option<String>,
    pub rfc: Option<String>,
    pub birth_date: Option<Date>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Argon2id hash of the PIN staff set for the assistant's verification.
    pub pin_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("client::Model")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("full_name", &masked::initials(&self.full_name))
            .field("phone", &masked::ends(&self.phone, 3, 2))
            .field("curp", &self.curp.as_deref().map(|c| masked::ends(c, 4, 0)))
            .field("rfc", &self.rfc.as_deref().map(|r| masked::ends(r, 3, 0)))
            .field("birth_date", &masked::presence(&self.birth_date))
            .field("address", &masked::presence(&self.address))
            .field("notes", &masked::presence(&self.notes))
            .field("pin_hash", &masked::presence(&self.pin_hash))
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}
