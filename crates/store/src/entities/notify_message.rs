use sea_orm::entity::prelude::*;

/// One message (or one part of a long one) to one destination of a channel, with its delivery state.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notify_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub channel_id: i64,
    pub group_id: i64,
    pub kind: String,
    pub destination: String,
    pub part: i32,
    pub parts: i32,
    pub occurrences: i32,
    pub subject: Option<String>,
    /// Exactly what is sent, already formatted for the channel.
    pub body: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// The end of the lease of the deliverer that claimed it. It is also the claim's token: a
    /// deliverer records its outcome only while the row still carries the lease it was given.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
