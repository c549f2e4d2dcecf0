//! Keys compared byte for byte on MariaDB too.
//!
//! MariaDB gives a text column the server's collation, `utf8mb4_general_ci`, which ignores case,
//! accents and trailing spaces. For a name that is what people expect; for a key it is wrong: two
//! payments whose idempotency keys differ only in case were one key there and two on SQLite and
//! PostgreSQL, and a WhatsApp message id or a session token that differs in case was taken for
//! another. SQLite (`BINARY`) and PostgreSQL (deterministic collations) already compare these columns
//! exactly, so only MariaDB changes. Emails are lowercased on write; the collation keeps `josé@` and
//! `jose@` apart, as the other backends do.

use sea_orm::{DbBackend, Statement};

/// (table, column, length, nullable): the text columns that hold keys rather than words, in the tables
/// made before this migration. Later tables make theirs exact when they are created
/// ([`super::columns::exact`]): on a fresh database this runs before they exist.
const EXACT: [(&str, &str, u32, bool); 8] = [
    ("payment", "idempotency_key", 100, true),
    ("staff_user", "email", 254, false),
    ("login_attempt", "email", 254, false),
    ("web_session", "id", 64, false),
    ("web_session", "csrf_token", 64, false),
    ("api_key", "prefix", 16, false),
    ("api_key", "key_hash", 64, false),
    ("notify_group", "group_key", 100, false),
];

pub fn statements(b: DbBackend) -> Vec<Statement> {
    if b != DbBackend::MySql {
        return Vec::new();
    }
    EXACT
        .iter()
        .map(|(table, column, len, nullable)| {
            let null = if *nullable { "NULL" } else { "NOT NULL" };
            Statement::from_string(
                b,
                format!(
                    "ALTER TABLE `{table}` MODIFY `{column}` VARCHAR({len}) \
                     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin {null}"
                ),
            )
        })
        .collect()
}
