//! `GET /respaldos/{archivo}/descargar`: the backup file itself, streamed from disk (a backup of a
//! large book is gigabytes: never whole in memory), as an attachment with its length, never cached,
//! and audited before the first byte leaves (ADR 32).

use super::{admitted, complete_backup};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use credinet_ops::backup::{BackupEntry, record_download};
use tokio_util::io::ReaderStream;

pub async fn download(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(file): PagePath<String>,
) -> Result<Response, PageError> {
    let backups = admitted(&state, &staff).await?;
    let BackupEntry::Complete { path, manifest } = complete_backup(backups, &file)? else {
        return Err(PageError::NotFound);
    };
    let opened = tokio::fs::File::open(&path).await.map_err(|e| {
        tracing::error!(file = %path.display(), error = %e, "cannot open a backup to download");
        PageError::NotFound
    })?;
    let length = opened
        .metadata()
        .await
        .map_err(|e| {
            tracing::error!(file = %path.display(), error = %e, "cannot read a backup's size");
            PageError::Internal
        })?
        .len();
    record_download(
        state.store(),
        staff.tenant.id,
        staff.requester(),
        &manifest.file,
        &manifest.sha256,
    )
    .await?;
    tracing::info!(file = %manifest.file, by = %staff.requester().actor.label, "backup downloaded from the backups page");
    // The name comes from the directory listing (`credinet-<instant>-<kind>.<ext>.gz`): plain ASCII.
    let disposition = format!("attachment; filename=\"{}\"", manifest.file);
    Ok((
        [
            (header::CONTENT_TYPE, "application/gzip".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(ReaderStream::new(opened)),
    )
        .into_response())
}
