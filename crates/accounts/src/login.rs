//! Signing in and out, with lockout after repeated failures. Every outcome is audited.

use crate::{password, token};
use chrono::{DateTime, Duration, Utc};
use credinet_core::text::first_control_character;
use credinet_store::repo::audit::{self, Actor, ActorKind, Origin, Record};
use credinet_store::repo::tenants::{self, Tenant};
use credinet_store::repo::users::{self, StaffUser, normalize_email};
use credinet_store::repo::{login_attempts, sessions};
use credinet_store::{Store, StoreError};

/// The width of the email columns (`staff_user`, `login_attempt`).
const EMAIL_CHARS: usize = 254;

pub enum LoginOutcome {
    /// Signed in: the cookie value to set.
    SignedIn {
        user: StaffUser,
        session_token: String,
    },
    /// Unknown tenant, unknown email, wrong password or inactive user: one answer for all, so the form
    /// does not reveal which emails exist.
    Refused,
    /// Too many failures: try again after this instant.
    Locked { until: DateTime<Utc> },
}

pub struct Attempt<'a> {
    pub tenant_slug: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub origin: Origin,
}

/// How sign-in behaves: the lockout and how long a session lives without use.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub lockout_max_failures: u32,
    pub lockout_window: Duration,
    pub session_idle: Duration,
}

pub async fn login(
    store: &Store,
    policy: &LoginPolicy,
    attempt: Attempt<'_>,
) -> Result<LoginOutcome, StoreError> {
    let now = store.now();
    let email = normalize_email(attempt.email);
    // No account has a control character in its tenant or email, nor an email longer than the column
    // that records attempts: refuse before the database, which would refuse a NUL or an over-long email
    // with an error (PostgreSQL) and could not record the attempt.
    let typed_text = first_control_character(attempt.tenant_slug)
        .or_else(|| first_control_character(&email))
        .is_none()
        && email.chars().count() <= EMAIL_CHARS;
    let tenant = if typed_text {
        tenants::by_slug(store.db(), attempt.tenant_slug.trim()).await?
    } else {
        None
    };
    let Some(tenant) = tenant else {
        let _ = verify_off_thread(
            attempt.password.to_string(),
            password::decoy_hash().to_string(),
        )
        .await;
        tracing::info!(
            tenant = attempt.tenant_slug.escape_debug().to_string(),
            "login refused: unknown tenant"
        );
        return Ok(LoginOutcome::Refused);
    };
    let window = policy.lockout_window;
    // Admission: the account's failures are counted and this attempt is recorded as one more, in one
    // step, with the account's row locked (the tenant's, for an email with no account). Counting in one
    // transaction and recording in another let 40 parallel guesses all through a limit of 5. The attempt
    // counts as a failure until its password proves right.
    let tx = store.write().await?;
    let credentials = users::credentials_locked(&tx, tenant.id, &email).await?;
    if credentials.is_none() {
        tenants::lock(&tx, tenant.id).await?;
    }
    let (failures, oldest) =
        login_attempts::recent_failures(&tx, tenant.id, &email, now - window).await?;
    let limit = u64::from(policy.lockout_max_failures);
    if failures >= limit {
        // Locked: nothing is written (the transaction rolls back), so a caller cannot make the server
        // write at will. The failure that locked the account was audited, and says so.
        drop(tx);
        let until = oldest.unwrap_or(now) + window;
        tracing::info!(tenant = %tenant.slug, "login refused: account locked");
        return Ok(LoginOutcome::Locked { until });
    }
    let locks_account = failures + 1 >= limit;
    let attempt_id = login_attempts::record(
        &tx,
        tenant.id,
        &email,
        false,
        attempt.origin.ip.clone(),
        now,
    )
    .await?;
    tx.commit().await?;

    // The slow part, outside any transaction.
    let stored = credentials
        .as_ref()
        .map_or_else(|| password::decoy_hash().to_string(), |(_, h)| h.clone());
    let matches = verify_off_thread(attempt.password.to_string(), stored).await;
    let user = credentials.map(|(u, _)| u);

    let tx = store.write().await?;
    let outcome = match user {
        Some(user) if matches && user.active => {
            login_attempts::mark_succeeded(&tx, tenant.id, attempt_id).await?;
            let session_token = token::random_token();
            let expires_at = now + policy.session_idle;
            let new = sessions::NewSession {
                id_hash: &token::digest(&session_token),
                tenant: tenant.id,
                user: user.id,
                csrf_token: &token::random_token(),
                expires_at,
                ip: attempt.origin.ip.clone(),
                user_agent: attempt.origin.user_agent.clone(),
            };
            sessions::create(&tx, new, now).await?;
            audit::append(
                &tx,
                tenant.id,
                signed_in_record(&user, "user_login", attempt.origin),
                now,
            )
            .await?;
            LoginOutcome::SignedIn {
                user,
                session_token,
            }
        }
        other => {
            let reason = match &other {
                None => "unknown_user",
                Some(u) if !u.active => "inactive_user",
                Some(_) => "wrong_password",
            };
            let record = failed_record(
                &email,
                other.map(|u| u.id.get()),
                attempt.origin,
                reason,
                locks_account,
            );
            audit::append(&tx, tenant.id, record, now).await?;
            LoginOutcome::Refused
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Ends a session and audits the logout.
pub async fn logout(
    store: &Store,
    tenant: &Tenant,
    user: &StaffUser,
    session_hash: &str,
    origin: Origin,
) -> Result<(), StoreError> {
    let tx = store.write().await?;
    sessions::delete(&tx, session_hash).await?;
    audit::append(
        &tx,
        tenant.id,
        signed_in_record(user, "user_logout", origin),
        store.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn verify_off_thread(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&password, &stored))
        .await
        .unwrap_or(false)
}

fn signed_in_record(user: &StaffUser, action: &'static str, origin: Origin) -> Record {
    Record {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(user.id.get()),
            label: user.email.clone(),
        },
        origin,
        action,
        entity: "staff_user",
        entity_id: Some(user.id.to_string()),
        before: None,
        after: None,
    }
}

/// A failed sign-in; `locks_account` when it is the failure that reaches the lockout limit (the attempts
/// refused while locked write nothing).
fn failed_record(
    email: &str,
    user_id: Option<i64>,
    origin: Origin,
    reason: &str,
    locks_account: bool,
) -> Record {
    Record {
        actor: Actor {
            kind: ActorKind::User,
            id: user_id,
            label: email.to_string(),
        },
        origin,
        action: "user_login_failed",
        entity: "staff_user",
        entity_id: user_id.map(|id| id.to_string()),
        before: None,
        after: Some(serde_json::json!({ "reason": reason, "locks_account": locks_account })),
    }
}
