//! Migration 10 folds the names of the clients that existed before it with the same function the writes
//! use, so an old client is found by «alvarez» like a new one.

use super::tenant;
use credinet_core::search::{ClientSearch, fold};
use credinet_store::repo::clients::{self, ClientQuery};
use credinet_store::sea_orm::ConnectionTrait;
use credinet_store::sea_orm::sea_query::Query;
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend, migrations};

each_backend!(clients_written_before_migration_10_are_found_folded_after_it);

async fn clients_written_before_migration_10_are_found_folded_after_it(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run_until(&store, 9).await.unwrap();
    let t = tenant(&store, "caja-antigua").await;
    // More than one backfill batch (500), so the batching is exercised too.
    let names: Vec<String> = (0..620)
        .map(|i| match i {
            7 => "Leticia Álvarez Morales".to_string(),
            300 => "JOSÉ HERNÁNDEZ".to_string(),
            _ => format!("Cliente Número {i}"),
        })
        .collect();
    for chunk in names.chunks(200) {
        let mut insert = Query::insert()
            .into_table("client")
            .columns([
                "tenant_id",
                "full_name",
                "phone",
                "created_at",
                "updated_at",
            ])
            .to_owned();
        for (i, name) in chunk.iter().enumerate() {
            insert.values_panic([
                t.id.get().into(),
                name.as_str().into(),
                format!("+5255{:08}", i).into(),
                store.now().into(),
                store.now().into(),
            ]);
        }
        store.db().execute(&insert).await.unwrap();
    }
    migrations::run(&store).await.unwrap();

    let search = |text: &str| ClientQuery {
        search: ClientSearch::read(text),
        offset: 0,
        limit: 50,
    };
    for (text, name) in [
        ("alvarez", "Leticia Álvarez Morales"),
        ("hernandez", "JOSÉ HERNÁNDEZ"),
    ] {
        let (rows, total) = clients::search(store.db(), t.id, &search(text))
            .await
            .unwrap();
        assert_eq!(total, 1, "«{text}» on {}", db.backend);
        assert_eq!(rows[0].full_name, name);
        assert_eq!(rows[0].search_name, fold(name));
    }
    let (_, numbered) = clients::search(store.db(), t.id, &search("numero"))
        .await
        .unwrap();
    assert_eq!(numbered, 618, "every batch was folded on {}", db.backend);
}
