//! Personal data never reaches `Debug` output or log lines: a client, its stored row, the warnings about
//! it and the errors of a corrupt row print masked (SPEC §1, STYLE "personal data prints masked").

use crate::common::{maker, store, tenant};
use credinet_core::ids::ClientId;
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::{LendingError, Refusal};
use credinet_store::entities::client;
use credinet_store::repo::clients as client_rows;
use credinet_store::sea_orm::sea_query::Expr;
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use credinet_store::testing::TestDb;
use std::io::Write;
use std::sync::{Arc, Mutex};

const FULL_NAME: &str = "Rosa Elena Quintanilla";
const PHONE_DIGITS: &str = "5587654321";
const TYPED_PHONE: &str = "+52 55 8765 4321";

/// A valid CURP with its check digit computed by the core.
fn curp() -> String {
    let mut chars: Vec<char> = "QURR900212MNLNSS0".chars().collect();
    chars.push(credinet_core::curp::check_digit(&chars).unwrap());
    chars.into_iter().collect()
}

fn input() -> ClientInput {
    ClientInput {
        full_name: FULL_NAME.into(),
        phone: TYPED_PHONE.into(),
        curp: Some(curp()),
        address: Some("Calle Álamo 12, Monterrey".into()),
        ..ClientInput::default()
    }
}

/// Asserts that `text` shows none of the client's personal data, saying which piece leaked.
fn assert_masked(what: &str, text: &str) {
    for (piece, value) in [
        ("the CURP", curp().as_str().to_owned()),
        ("the CURP's birth date", "900212".to_owned()),
        ("the phone", PHONE_DIGITS.to_owned()),
        (
            "the phone's last eight digits",
            PHONE_DIGITS[2..].to_owned(),
        ),
        ("the full name", FULL_NAME.to_owned()),
        ("the surname", "Quintanilla".to_owned()),
        ("the address", "Álamo".to_owned()),
    ] {
        assert!(
            !text.contains(&value),
            "{what} shows {piece} ({value}):\n{text}"
        );
    }
}

async fn a_client_and_its_stored_row_print_masked_in_debug(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let saved = clients::create(&store, t, input(), &maker()).await.unwrap();
    assert_masked("the client's Debug", &format!("{:?}", saved.client));
    assert_masked("the saved client's Debug", &format!("{saved:#?}"));
    assert_masked("the input's Debug", &format!("{:?}", input()));
    let row = client_rows::get(store.db(), t, saved.client.id)
        .await
        .unwrap()
        .unwrap();
    assert_masked("the stored row's Debug", &format!("{row:?}"));
    assert_eq!(
        format!("{:?}", saved.client.phone),
        "Phone(+52********21)",
        "the phone keeps only enough to tell two apart"
    );
    // Display stays the real value: forms and statements need it.
    assert_eq!(saved.client.curp.unwrap().to_string(), curp());
}

/// A `tracing` subscriber writing into a buffer the test reads afterwards.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

async fn duplicates_bad_input_and_a_corrupt_stored_phone_log_no_personal_data(db: TestDb) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let first = clients::create(&store, t, input(), &maker()).await.unwrap();
    // The same phone and CURP again: accepted with warnings that name the other client.
    let second = clients::create(&store, t, input(), &maker()).await.unwrap();
    assert_eq!(second.warnings.len(), 2, "{:?}", second.warnings);
    // A bad CURP and a bad phone are refused without echoing what was typed.
    let bad_curp = format!("{}X", &curp()[..17]);
    let refused = clients::update(
        &store,
        t,
        second.client.id,
        ClientInput {
            curp: Some(bad_curp.clone()),
            ..input()
        },
        &maker(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(refused, LendingError::Refused(Refusal::Curp(_))),
        "{refused:?}"
    );
    assert!(!refused.to_string().contains(&bad_curp[..10]), "{refused}");
    let refused = clients::update(
        &store,
        t,
        second.client.id,
        ClientInput {
            phone: "55 8765 432".into(),
            ..input()
        },
        &maker(),
    )
    .await
    .unwrap_err();
    assert!(!refused.to_string().contains("8765"), "{refused}");
    // A stored phone that no longer parses: the error names the row and the field, not the value.
    corrupt_phone(&store, first.client.id, "+52558765432").await;
    let corrupt = clients::get(&store, t, first.client.id).await.unwrap_err();
    let message = corrupt.to_string();
    assert!(
        message.contains(&format!("client {}, field phone", first.client.id)),
        "{message}"
    );
    assert!(!message.contains("8765"), "{message}");

    let logs = captured.text();
    assert!(
        logs.contains("client created") && logs.contains("a stored client does not parse"),
        "the paths above log something, so the check below means something:\n{logs}"
    );
    assert_masked("the log", &logs);
    assert!(
        !logs.contains("8765"),
        "the log shows the corrupt phone:\n{logs}"
    );
}

async fn corrupt_phone(store: &credinet_store::Store, id: ClientId, phone: &str) {
    client::Entity::update_many()
        .col_expr(client::Column::Phone, Expr::value(phone))
        .filter(client::Column::Id.eq(id.get()))
        .exec(store.db())
        .await
        .unwrap();
}

credinet_store::each_backend!(
    a_client_and_its_stored_row_print_masked_in_debug,
    duplicates_bad_input_and_a_corrupt_stored_phone_log_no_personal_data,
);
