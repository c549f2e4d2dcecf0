use crate::common::*;
use credinet_ops::backup::{self, BackupError};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use sha2::{Digest, Sha256};

each_backend!(a_truncated_or_corrupted_backup_fails_verify_and_is_not_restored);

async fn a_truncated_or_corrupted_backup_fails_verify_and_is_not_restored(db: TestDb) {
    let store = migrated(&db).await;
    let tenant = tenant(&store, "danado").await;
    for n in 0..200 {
        append_entry(&store, &tenant, n, "some rows so the file has a middle").await;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = backup::run(&store, &target(&db), &settings(dir.path()), quiet())
        .await
        .expect("backup");
    let file = report.manifest.file.clone();
    let manifest_path = dir.path().join(format!("{file}.json"));
    let original = std::fs::read(&report.path).unwrap();
    let original_manifest = std::fs::read(&manifest_path).unwrap();
    let live = target(&db);
    let verify = || backup::verify(&store, &live, dir.path(), &file, quiet());

    std::fs::write(&report.path, &original[..original.len() / 2]).unwrap();
    let truncated = verify().await.expect("verify runs");
    assert!(
        truncated.problems.iter().any(|p| p.contains("truncated")),
        "{:?}",
        truncated.problems
    );

    let mut flipped = original.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    std::fs::write(&report.path, &flipped).unwrap();
    let corrupted = verify().await.expect("verify runs");
    assert!(
        corrupted.problems.iter().any(|p| p.contains("SHA-256")),
        "{:?}",
        corrupted.problems
    );

    // A truncated file whose manifest was rewritten to match: the checksum passes, the gzip trailer
    // does not.
    let cut = &original[..original.len() * 2 / 3];
    std::fs::write(&report.path, cut).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&original_manifest).unwrap();
    manifest["size_bytes"] = cut.len().into();
    manifest["sha256"] = hex::encode(Sha256::digest(cut)).into();
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let undecodable = verify().await.expect("verify runs");
    assert!(!undecodable.is_ok());
    assert!(
        undecodable
            .problems
            .iter()
            .any(|p| p.contains("decompress") || p.contains("restore")),
        "{:?}",
        undecodable.problems
    );

    let restore = backup::restore(
        store.clone(),
        &target(&db),
        &settings(dir.path()),
        &file,
        quiet(),
    )
    .await;
    assert!(
        matches!(restore, Err(BackupError::Damaged { .. })),
        "{restore:?}"
    );
    let again = migrated(&db).await;
    assert_eq!(
        count(&again, "tenant").await,
        1,
        "a refused restore changes nothing"
    );
    assert_eq!(
        files(dir.path()).len(),
        2,
        "no safety backup is taken when verify fails"
    );
}
