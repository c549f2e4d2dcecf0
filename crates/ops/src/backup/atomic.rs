//! Files that appear complete or not at all: written under a hidden temporary name in the same
//! directory, synced, renamed over the final name, and the directory synced so the rename survives a
//! power cut. A writer dropped before [`AtomicFile::commit`] (an error, a full disk) removes its
//! temporary file, so nothing partial is left behind.

use super::BackupError;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(crate) struct AtomicFile {
    file: Option<File>,
    temp: PathBuf,
    target: PathBuf,
}

/// The hidden temporary name a file is written under before it gets `name`. `list` and `prune` skip
/// names starting with a dot.
pub(crate) fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.partial"))
}

impl AtomicFile {
    pub(crate) fn create(dir: &Path, name: &str) -> Result<AtomicFile, BackupError> {
        let temp = temp_path(dir, name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| BackupError::io("cannot create", &temp, e))?;
        Ok(AtomicFile {
            file: Some(file),
            temp,
            target: dir.join(name),
        })
    }

    /// Syncs the data, renames it to its final name and syncs the directory.
    pub(crate) fn commit(mut self) -> Result<PathBuf, BackupError> {
        let file = self.file.take().expect("an AtomicFile is committed once");
        file.sync_all()
            .map_err(|e| BackupError::io("cannot sync", &self.temp, e))?;
        drop(file);
        std::fs::rename(&self.temp, &self.target)
            .map_err(|e| BackupError::io("cannot rename into place", &self.target, e))?;
        sync_dir(self.target.parent().unwrap_or(Path::new(".")))?;
        Ok(self.target.clone())
    }

    /// Writes `bytes` as the whole file and commits it.
    pub(crate) fn write_all_and_commit(
        dir: &Path,
        name: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, BackupError> {
        let mut file = AtomicFile::create(dir, name)?;
        file.write_all(bytes)
            .map_err(|e| BackupError::io("cannot write", &dir.join(name), e))?;
        file.commit()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Makes renames and removals in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| BackupError::io("cannot sync directory", dir, e))
}

/// A temporary path removed when dropped (the uncompressed SQLite copy, a decompressed restore).
pub(crate) struct TempPath(pub PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_dropped_before_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut f = AtomicFile::create(dir.path(), "a.gz").unwrap();
            f.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_committed_file_has_its_final_name_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        AtomicFile::write_all_and_commit(dir.path(), "a.json", b"{}").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["a.json"]);
    }
}
