//! Browser sessions: the gate in front of every back-office page, and the [`Staff`] caller it hands to
//! handlers.
//!
//! The gate loads the session row named by the cookie, the user (who must still be active) and the
//! tenant; for every state-changing request it also checks the CSRF token, from the `X-CSRF-Token` header
//! (htmx) or the `csrf_token` field of a form. Handlers behind it cannot forget either check.

use super::caller::{Caller, Edge};
use super::csrf;
use crate::error::PageError;
use crate::monitoring::CallerTenant;
use crate::origin::origin_of;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use credinet_accounts::{Accounts, SignedIn, token};

use credinet_core::role::Role;
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
use credinet_store::repo::users::StaffUser;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "credinet_session";

/// A signed-in staff member, for handlers of back-office pages.
pub type Staff = Caller<Session>;

/// How staff get in: a live session of an active user.
#[derive(Clone)]
pub struct Session {
    pub user: StaffUser,
    pub session_hash: String,
    pub csrf_token: String,
}

/// The session's secrets never reach a log.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user.id)
            .field("session_hash", &"***")
            .field("csrf_token", &"***")
            .finish()
    }
}

impl Edge for Session {
    type Error = PageError;

    fn missing() -> PageError {
        PageError::SignIn
    }

    /// A page that says what the role does not allow.
    fn refused(role: Role, what: &str) -> PageError {
        PageError::Forbidden(format!("Su rol ({}) no permite {what}.", role.label_es()))
    }
}

/// Middleware: admits only requests with a live session and, for changes, a valid CSRF token.
pub async fn gate(
    State(state): State<AppState>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    let origin = origin_of(
        request.headers(),
        request.extensions(),
        state.http().trust_proxy,
    );
    let staff = match load(&state, &jar, origin).await {
        Ok(Some(staff)) => staff,
        Ok(None) => return sign_in_again(&request),
        Err(e) => return e.into_response(),
    };
    let request = if request.method().is_safe() {
        request
    } else {
        match verify_csrf(
            request,
            &staff.via.csrf_token,
            state.http().body_limit_bytes,
        )
        .await
        {
            Ok(request) => request,
            Err(response) => return response,
        }
    };
    let mut request = request;
    if let Some(slot) = request.extensions().get::<CallerTenant>() {
        slot.admit(staff.tenant.id, staff.tenant.slug.as_str());
    }
    request.extensions_mut().insert(staff);
    next.run(request).await
}

async fn load(
    state: &AppState,
    jar: &CookieJar,
    origin: Origin,
) -> Result<Option<Staff>, PageError> {
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(SignedIn {
        tenant,
        user,
        session_hash,
        csrf_token,
    }) = Accounts::new(state.store())
        .signed_in(cookie.value(), state.accounts())
        .await?
    else {
        return Ok(None);
    };
    let requester = Requester {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(user.id.get()),
            label: user.email.clone(),
        },
        origin,
    };
    Ok(Some(Caller::new(
        Arc::new(tenant),
        user.role,
        Session {
            user,
            session_hash,
            csrf_token,
        },
        requester,
    )))
}

fn sign_in_again(request: &Request) -> Response {
    if request.method().is_safe() {
        let next = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let target = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        Redirect::to(&target).into_response()
    } else {
        PageError::Forbidden("Su sesión terminó. Vuelva a iniciar sesión.".into()).into_response()
    }
}

/// Checks the token of a state-changing request and hands the request on with its body intact.
async fn verify_csrf(request: Request, expected: &str, limit: usize) -> Result<Request, Response> {
    let refuse = || PageError::Forbidden(csrf::REFUSAL.into()).into_response();
    if let Some(header) = request.headers().get("x-csrf-token") {
        return if header
            .to_str()
            .is_ok_and(|v| token::same_secret(v, expected))
        {
            Ok(request)
        } else {
            Err(refuse())
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        PageError::BadRequest("El formulario es demasiado grande.".into()).into_response()
    })?;
    let given = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == csrf::FIELD)
        .map(|(_, v)| v.into_owned());
    match given {
        Some(v) if token::same_secret(&v, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(refuse()),
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind https.
pub fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}
