//! Verification before any loan data (SPEC §5): an identifier names a client (phone in any form, loan
//! number or CURP), a secret proves it is them (birth date, or a PIN staff set). Reading what was typed
//! is pure; the lookups read the tenant's clients and loans.
//!
//! An identifier that names nobody is not told apart from one that does: the secret is asked either way
//! and fails, so the assistant cannot be used to learn who is a client.

use crate::router::normalize;
use chrono::{Datelike, NaiveDate};
use credinet_core::curp::Curp;
use credinet_core::ids::{ClientId, TenantId};
use credinet_core::phone::Phone;
use credinet_core::pin::Pin;
use credinet_lending::LendingError;
use credinet_store::repo::{clients, loans};
use credinet_store::sea_orm::ConnectionTrait;

/// What an identifier can be. A loan number is whatever is not a phone or a CURP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    Phone(Phone),
    Curp(Curp),
    LoanNumber(String),
}

pub fn read_identifier(text: &str) -> Identifier {
    let trimmed = text.trim();
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(curp) = Curp::parse(&compact.to_uppercase()) {
        return Identifier::Curp(curp);
    }
    let phoneish = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
    if phoneish && let Ok(phone) = Phone::parse(trimmed) {
        return Identifier::Phone(phone);
    }
    // «Préstamo P-000123», «mi credito es p-000123»: the last word is the number.
    let number = trimmed
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_uppercase();
    Identifier::LoanNumber(number)
}

/// What a typed secret may be: a date (compared with the birth date) and, when it has the shape staff
/// can set ([`Pin`]: 4 to 6 digits), a PIN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Secret {
    pub date: Option<NaiveDate>,
    pub pin: Option<Pin>,
}

pub fn read_secret(text: &str, today: NaiveDate) -> Secret {
    let trimmed = text.trim();
    let pin = Pin::parse(trimmed).ok();
    Secret {
        date: read_date(trimmed, today),
        pin,
    }
}

/// «12/05/1985», «12-5-85», «1985-05-12», «12051985», «12 de mayo de 1985», «12 may 1985».
fn read_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let words: Vec<String> = normalize::words(text)
        .into_iter()
        .flat_map(|w| {
            w.split(|c: char| !c.is_alphanumeric())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty() && w != "de" && w != "del")
        .collect();
    let number = |w: &str| w.parse::<u32>().ok();
    let month_of = |w: &str| -> Option<u32> {
        number(w).or_else(|| {
            (w.len() >= 3)
                .then(|| {
                    crate::months::MONTHS
                        .iter()
                        .position(|m| m.starts_with(w) || w.starts_with(&m[..3]))
                })
                .flatten()
                .map(|i| i as u32 + 1)
        })
    };
    let year_of = |w: &str| -> Option<i32> {
        let y = i32::try_from(number(w)?).ok()?;
        match w.len() {
            4 => Some(y),
            // Two digits: the most recent year that is not in the future.
            2 => {
                let century = today.year() / 100 * 100;
                Some(if century + y > today.year() {
                    century - 100 + y
                } else {
                    century + y
                })
            }
            _ => None,
        }
    };
    let (d, m, y) = match words.as_slice() {
        [one] if one.len() == 8 && number(one).is_some() => {
            (number(&one[..2])?, number(&one[2..4])?, year_of(&one[4..])?)
        }
        [a, b, c] if a.len() == 4 => (number(c)?, month_of(b)?, year_of(a)?),
        [a, b, c] => (number(a)?, month_of(b)?, year_of(c)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d).filter(|date| *date <= today)
}

/// The client an identifier names in the tenant, if exactly one.
/// Reads on `db`, the message's transaction (no second pooled connection while it is held).
pub async fn find_client<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    identifier: &Identifier,
) -> Result<Option<ClientId>, LendingError> {
    let ids: Vec<i64> = match identifier {
        Identifier::Phone(phone) => clients::by_phone(db, tenant, phone.as_str())
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect(),
        Identifier::Curp(curp) => {
            clients::same_phone_or_curp(db, tenant, "", Some(curp.as_str()), None)
                .await?
                .into_iter()
                .filter(|c| c.curp.as_deref() == Some(curp.as_str()))
                .map(|c| c.id)
                .collect()
        }
        Identifier::LoanNumber(number) if number.is_empty() => Vec::new(),
        Identifier::LoanNumber(number) => loans::by_number(db, tenant, number)
            .await?
            .map(|l| l.client_id)
            .into_iter()
            .collect(),
    };
    // Two clients with one phone (a shared family phone): the identifier does not say which.
    Ok(match ids.as_slice() {
        [one] => Some(ClientId::new(*one)),
        _ => None,
    })
}

/// Whether `secret` is the client's birth date or PIN. Without a client the PIN is still checked against
/// a decoy hash, so a wrong identifier takes as long as a wrong secret.
pub async fn secret_matches<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    client: Option<ClientId>,
    secret: &Secret,
) -> Result<bool, LendingError> {
    let row = match client {
        Some(id) => clients::get(db, tenant, id).await?,
        None => None,
    };
    let date_ok = match (&row, secret.date) {
        (Some(row), Some(date)) => row.birth_date == Some(date),
        _ => false,
    };
    if date_ok {
        return Ok(true);
    }
    let Some(pin) = &secret.pin else {
        return Ok(false);
    };
    let stored = row.as_ref().and_then(|r| r.pin_hash.clone());
    let hash = stored
        .clone()
        .unwrap_or_else(|| credinet_accounts::password::decoy_hash().to_string());
    let pin = pin.clone();
    // Argon2 is tens of milliseconds of CPU: off the async workers, as sign-in does, so one PIN check
    // does not hold up every other webhook served by that worker.
    let matches =
        tokio::task::spawn_blocking(move || credinet_accounts::pin::verify(pin.expose(), &hash))
            .await
            .unwrap_or(false);
    Ok(matches && stored.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    #[test]
    fn an_identifier_is_a_phone_in_any_form_a_curp_or_else_a_loan_number() {
        for phone in [
            "5512345678",
            "+52 1 55 1234 5678",
            "521 5512345678",
            "55-1234-5678",
        ] {
            assert_eq!(
                read_identifier(phone),
                Identifier::Phone(Phone::parse("5512345678").unwrap()),
                "{phone}"
            );
        }
        assert!(matches!(
            read_identifier("godE561231hdfrrn09"),
            Identifier::Curp(_) | Identifier::LoanNumber(_)
        ));
        assert_eq!(
            read_identifier("mi préstamo es p-000123."),
            Identifier::LoanNumber("P-000123".into())
        );
    }

    #[test]
    fn a_birth_date_is_read_in_the_ways_people_write_it() {
        let may12 = NaiveDate::from_ymd_opt(1985, 5, 12);
        for text in [
            "12/05/1985",
            "12-5-85",
            "1985-05-12",
            "12051985",
            "12 de mayo de 1985",
            "12 may 1985",
            "12 de Mayo del 85",
        ] {
            assert_eq!(read_secret(text, today()).date, may12, "{text}");
        }
        assert_eq!(read_secret("31/02/1985", today()).date, None);
        assert_eq!(
            read_secret("12/05/2030", today()).date,
            None,
            "not born yet"
        );
        assert_eq!(read_secret("hola", today()), Secret::default());
        assert_eq!(read_secret("4821", today()).pin, Pin::parse("4821").ok());
        assert_eq!(
            read_secret("12345678", today()).pin,
            None,
            "longer than a PIN"
        );
    }
}
