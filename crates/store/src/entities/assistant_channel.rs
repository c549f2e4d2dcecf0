use sea_orm::entity::prelude::*;

/// A tenant's assistant channel credentials (ADR 23). `Debug` is written by hand: it says which secrets
/// are set, never their values.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_channel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub autoresponder_token_digest: Option<String>,
    pub autoresponder_header: Option<String>,
    pub autoresponder_hmac_secret: Option<String>,
    pub group_replies: bool,
    pub cloud_phone_number_id: Option<String>,
    pub cloud_app_secret: Option<String>,
    pub cloud_access_token: Option<String>,
    pub cloud_verify_token: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |v: &Option<String>| if v.is_some() { "set" } else { "unset" };
        f.debug_struct("assistant_channel::Model")
            .field("tenant_id", &self.tenant_id)
            .field(
                "autoresponder_token",
                &set(&self.autoresponder_token_digest),
            )
            .field("autoresponder_header", &self.autoresponder_header)
            .field(
                "autoresponder_hmac_secret",
                &set(&self.autoresponder_hmac_secret),
            )
            .field("group_replies", &self.group_replies)
            .field("cloud_phone_number_id", &self.cloud_phone_number_id)
            .field("cloud_app_secret", &set(&self.cloud_app_secret))
            .field("cloud_access_token", &set(&self.cloud_access_token))
            .field("cloud_verify_token", &set(&self.cloud_verify_token))
            .finish()
    }
}
