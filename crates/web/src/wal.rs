//! Keeps SQLite's write-ahead log short from a background task, so that copying the log into the
//! database file never happens inside a commit (it made one payment batch in a hundred wait ~10 ms).
//! Nothing to do on PostgreSQL and MySQL.

use credinet_store::Store;
use std::time::Duration;

/// How often the log is copied into the database file. Under full load a second of writes is a few
/// megabytes of log.
const EVERY: Duration = Duration::from_secs(1);

/// Takes over the WAL checkpoints of `store` (SQLite only) and runs them on a timer.
pub async fn spawn_checkpointer(store: Store) {
    match store.checkpoint_wal_elsewhere().await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "could not move WAL checkpoints off the writer; SQLite keeps doing them on commit");
            return;
        }
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = store.checkpoint_wal().await {
                tracing::warn!(error = %e, "WAL checkpoint failed; retrying in a second");
            }
        }
    });
}
