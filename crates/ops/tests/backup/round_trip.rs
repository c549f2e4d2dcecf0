use crate::common::*;
use credinet_ops::backup;
use credinet_store::Store;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use std::time::Duration;

each_backend!(a_backup_taken_while_a_writer_appends_restores_exactly_its_snapshot);

async fn a_backup_taken_while_a_writer_appends_restores_exactly_its_snapshot(db: TestDb) {
    let store = migrated(&db).await;
    let tenant = tenant(&store, "respaldo").await;
    for n in 0..50 {
        append_entry(&store, &tenant, n, "before the backup").await;
    }
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::start(store.clone(), tenant.clone());
    while writer.count() < 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let committed_before = writer.count();
    let report = backup::run(&store, &target(&db), &settings(dir.path()), quiet())
        .await
        .expect("backup while the writer appends");
    let committed_during = writer.count();
    while writer.count() < committed_during + 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let committed = writer.stop().await;

    let manifest = &report.manifest;
    assert_eq!(
        manifest.schema_version,
        credinet_store::migrations::latest_known()
    );
    assert_eq!(
        files(dir.path()),
        vec![manifest.file.clone(), format!("{}.json", manifest.file)],
        "a backup is its file and its manifest, nothing else"
    );
    assert!(
        system_event_kinds(&store)
            .await
            .contains(&"backup_completed".to_string())
    );

    let verification = backup::verify(&store, &target(&db), dir.path(), &manifest.file, quiet())
        .await
        .expect("verify");
    assert!(
        verification.is_ok(),
        "verify found: {:?}",
        verification.problems
    );
    assert_eq!(verification.tenants_checked, 1);
    assert_eq!(files(dir.path()).len(), 2, "verify leaves no scratch files");

    let fresh = TestDb::create(db.backend).await.expect("a second database");
    let fresh_store = Store::connect(&fresh.url).await.expect("connect");
    let restored = backup::restore(
        fresh_store,
        &target(&fresh),
        &settings(dir.path()),
        &manifest.file,
        quiet(),
    )
    .await
    .expect("restore into a fresh database");
    assert!(restored.safety.path.exists(), "the safety backup is kept");

    let restored = Store::connect(&fresh.url).await.expect("reconnect");
    let ticks = ticks(&restored).await;
    assert!(
        ticks.len() >= committed_before && ticks.len() < committed.len(),
        "the snapshot holds what was committed before the backup began ({committed_before}) and not what came after it ({}): {}",
        committed.len(),
        ticks.len()
    );
    assert_eq!(
        ticks,
        committed[..ticks.len()],
        "the snapshot is a prefix of the writer's commits"
    );
    let (restored_entries, restored_tenants) = content(&restored).await;
    let (source_entries, source_tenants) = content(&store).await;
    let last = restored_entries.last().expect("entries").id;
    let at_snapshot: Vec<_> = source_entries
        .into_iter()
        .filter(|e| e.id <= last)
        .collect();
    assert_eq!(
        restored_entries, at_snapshot,
        "every entry comes back exactly"
    );
    assert_eq!(restored_tenants, source_tenants);
    assert_eq!(
        credinet_store::migrations::pending(&restored)
            .await
            .unwrap(),
        Vec::<i64>::new()
    );
    restored.close().await.ok();
}
