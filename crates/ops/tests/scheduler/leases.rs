//! The job lease: one holder at a time, until it ends.

use super::common::{at, migrated};
use chrono::Duration;
use credinet_store::ManualClock;
use credinet_store::each_backend;
use credinet_store::repo::job_leases;
use credinet_store::testing::TestDb;

each_backend!(a_lease_has_one_holder_until_it_ends_or_is_released);

async fn a_lease_has_one_holder_until_it_ends_or_is_released(db: TestDb) {
    let clock = ManualClock::starting_at(at(2026, 12, 8, 6, 5));
    let store = migrated(&db, &clock).await;
    let length = Duration::minutes(5);
    let first = job_leases::acquire(&store, "period_cut/1", "server-a", length)
        .await
        .unwrap()
        .expect("a free lease is taken");
    assert_eq!(first.until, at(2026, 12, 8, 6, 10));
    assert!(
        job_leases::acquire(&store, "period_cut/1", "server-b", length)
            .await
            .unwrap()
            .is_none(),
        "a held lease is refused to another holder"
    );
    assert!(
        job_leases::acquire(&store, "period_cut/2", "server-b", length)
            .await
            .unwrap()
            .is_some(),
        "another key is another lease"
    );
    // Renewed while the clock stands still (same values written: MariaDB reports no changed row).
    assert!(job_leases::renew(&store, &first, length).await.unwrap());
    clock.advance(Duration::minutes(5));
    let taken_over = job_leases::acquire(&store, "period_cut/1", "server-b", length)
        .await
        .unwrap()
        .expect("an ended lease goes to the next taker");
    assert!(
        !job_leases::renew(&store, &first, length).await.unwrap(),
        "the first holder lost it"
    );
    job_leases::release(&store, &taken_over).await.unwrap();
    assert!(
        job_leases::acquire(&store, "period_cut/1", "server-c", length)
            .await
            .unwrap()
            .is_some(),
        "a released lease is free at once"
    );
}
