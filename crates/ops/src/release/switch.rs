//! Points `current` at a release in one step: a new link under a hidden name, renamed over `current`
//! (rename replaces atomically, so `current` always names a complete release, never nothing).

use super::ReleaseError;
use super::install::sync;
use super::layout::{CURRENT, Layout, RELEASES};
use std::path::PathBuf;

pub(crate) fn switch(layout: &Layout, name: &str) -> Result<(), ReleaseError> {
    let link = layout.current_link();
    let staged = layout.root().join(format!(".{CURRENT}.next"));
    let _ = std::fs::remove_file(&staged);
    let target: PathBuf = [RELEASES, name].iter().collect();
    std::os::unix::fs::symlink(&target, &staged)
        .map_err(|e| ReleaseError::io("cannot create the link", &staged, e))?;
    if let Err(e) = std::fs::rename(&staged, &link) {
        let _ = std::fs::remove_file(&staged);
        return Err(ReleaseError::io("cannot switch", &link, e));
    }
    sync(layout.root())
}
