use crate::common::*;
use credinet_ops::backup;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use rand::Rng;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `size` mounted on a fresh directory, unmounted when dropped (the tests run as root on
/// the CI machines; a machine where mounting is refused fails the test rather than skipping it).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a {size} tmpfs needs root (mount -t tmpfs)"
        );
        SmallDisk { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

each_backend!(a_full_disk_fails_the_backup_cleanly_with_an_event_and_no_partial_file);

async fn a_full_disk_fails_the_backup_cleanly_with_an_event_and_no_partial_file(db: TestDb) {
    let store = migrated(&db).await;
    let tenant = tenant(&store, "lleno").await;
    // Random text does not compress: a few hundred kB that cannot fit in 64 kB.
    for n in 0..150 {
        let note: String = {
            let mut rng = rand::thread_rng();
            (0..2000)
                .map(|_| rng.sample(rand::distributions::Alphanumeric) as char)
                .collect()
        };
        append_entry(&store, &tenant, n, &note).await;
    }
    let disk = SmallDisk::mount("64k");
    let result = backup::run(&store, &target(&db), &settings(&disk.path()), quiet()).await;
    let error = result.expect_err("the backup cannot fit");
    assert!(
        error.to_string().contains("space") || error.to_string().contains("full"),
        "the error says the disk is full: {error}"
    );
    assert_eq!(
        files(Path::new(&disk.path())),
        Vec::<String>::new(),
        "nothing partial is left"
    );
    assert_eq!(
        system_event_kinds(&store).await.last().map(String::as_str),
        Some("backup_failed")
    );
}
