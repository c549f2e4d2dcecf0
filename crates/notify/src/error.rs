use crate::channel::ChannelError;
use credinet_store::StoreError;

/// What went wrong in the notifier, by kind, so each edge can say it in its own words.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Channel(#[from] ChannelError),
    #[error("channel {0} not found")]
    UnknownChannel(i64),
    #[error("'{0}' is not an event kind (lowercase letters, digits and _, or * for every kind)")]
    BadEventKind(String),
    #[error("the channel name must have 1 to 100 characters without control characters")]
    BadChannelName,
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
}
