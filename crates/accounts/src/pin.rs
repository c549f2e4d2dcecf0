//! Hashing of the assistant PINs staff set for borrowers: Argon2id with the same parameters as staff
//! passwords ([`crate::password`]), without the password length policy — a PIN is 4 to 6 digits
//! ([`credinet_core::pin`]). Its strength against guessing is the assistant's verification lock; the
//! slow hash keeps a copied database from giving the PINs away at once.

use crate::password::PasswordError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use credinet_core::pin::Pin;

/// The PHC string of `pin`. CPU-heavy: call from `spawn_blocking` on a server.
pub fn hash(pin: &Pin) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// True when `typed` is the PIN hashed in `stored`. A malformed stored hash never matches.
pub fn verify(typed: &str, stored: &str) -> bool {
    crate::password::verify(typed, stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_four_digit_pin_hashes_as_passwords_do_and_verifies() {
        let pin = Pin::parse("4821").unwrap();
        let stored = hash(&pin).unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        let password_params = crate::password::hash("una contraseña larga").unwrap();
        let params = |phc: &str| phc.split('$').nth(3).map(str::to_string);
        assert_eq!(
            params(&stored),
            params(&password_params),
            "same Argon2 parameters"
        );
        assert!(verify("4821", &stored));
        assert!(!verify("4822", &stored));
        assert!(!verify("4821", "not-a-phc-string"));
    }
}
