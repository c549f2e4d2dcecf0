//! `GET /login`, `POST /login`, `POST /logout`.

use crate::auth::session::session_cookie;
use crate::auth::{Staff, csrf};
use crate::error::PageError;
use crate::origin::ClientOrigin;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use credinet_accounts::login::{self, Attempt, LoginOutcome};
use serde::Deserialize;
use std::net::IpAddr;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    csrf_token: String,
    tenant: String,
    email: String,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    tenant: Option<String>,
    next: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let (jar, csrf_token) = state.login_csrf().token(jar, state.http().secure_cookies());
    let page = LoginPage {
        error: None,
        csrf_token,
        tenant: q.tenant.unwrap_or_default(),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
    };
    Ok((jar, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    tenant: String,
    email: String,
    password: String,
    csrf_token: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    ClientOrigin(origin): ClientOrigin,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let secure = state.http().secure_cookies();
    let login_csrf = state.login_csrf();
    let again = |jar: CookieJar,
                 status: StatusCode,
                 message: String,
                 retry_after: Option<u64>|
     -> Result<Response, PageError> {
        let (jar, csrf_token) = login_csrf.token(jar, secure);
        let page = LoginPage {
            error: Some(message),
            csrf_token,
            tenant: form.tenant.clone(),
            email: form.email.clone(),
            next: safe_next(Some(&form.next)),
        };
        let mut response = (status, jar, Html(page.render()?)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        Ok(response)
    };
    // The throttles come first: a caller over them gets no password check and no database work.
    let ip = origin
        .ip
        .as_deref()
        .and_then(|ip| ip.parse::<IpAddr>().ok());
    if let Err(wait) = state.throttles().sign_in(ip, &form.tenant, &form.email) {
        let seconds = wait.seconds();
        let message = format!(
            "Demasiados intentos de inicio de sesión. Espere {seconds} s e intente de nuevo."
        );
        return again(jar, StatusCode::TOO_MANY_REQUESTS, message, Some(seconds));
    }
    if !login_csrf.matches(&jar, &form.csrf_token) {
        return again(jar, StatusCode::FORBIDDEN, csrf::REFUSAL.into(), None);
    }
    let attempt = Attempt {
        tenant_slug: &form.tenant,
        email: &form.email,
        password: &form.password,
        origin,
    };
    match login::login(state.store(), &state.accounts().login_policy(), attempt).await? {
        LoginOutcome::SignedIn { session_token, .. } => {
            let jar = jar
                .add(session_cookie(session_token, secure))
                .remove(Cookie::build(csrf::LOGIN_COOKIE).path("/login"));
            Ok((jar, Redirect::to(&safe_next(Some(&form.next)))).into_response())
        }
        LoginOutcome::Refused => again(
            jar,
            StatusCode::UNAUTHORIZED,
            "Empresa, correo o contraseña incorrectos.".into(),
            None,
        ),
        LoginOutcome::Locked { until } => {
            let seconds = (until - state.store().now()).num_seconds().max(1);
            let minutes = (seconds + 59) / 60;
            let message = format!(
                "La cuenta está bloqueada por demasiados intentos fallidos. Intente de nuevo en {minutes} min."
            );
            again(
                jar,
                StatusCode::TOO_MANY_REQUESTS,
                message,
                u64::try_from(seconds).ok(),
            )
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    login::logout(
        state.store(),
        &staff.tenant,
        &staff.via.user,
        &staff.via.session_hash,
        staff.requester().origin.clone(),
    )
    .await?;
    let jar = jar.remove(Cookie::build(crate::auth::session::SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
}

/// Only local paths are followed after login, never another site: one leading `/`, then no second
/// `/` or backslash right after it, and no control or white-space character anywhere (browsers drop a tab or
/// a newline, so `/\t/evil.example` reads as `//evil.example`; a control character in a `Location`
/// header also failed the response after the session was created).
fn safe_next(next: Option<&str>) -> String {
    let local = |p: &str| {
        p.starts_with('/')
            && !p[1..].starts_with(['/', '\\'])
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    match next {
        Some(p) if local(p) => p.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn after_login_only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/usuarios")), "/usuarios");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn a_path_that_a_browser_reads_as_another_site_goes_home() {
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "/\u{7f}/evil.example",
            "/usuarios\r\nSet-Cookie: x=1",
            "/\u{2028}/evil.example",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/", "{sneaky:?}");
        }
        assert_eq!(
            safe_next(Some("/prestamos?estado=activo")),
            "/prestamos?estado=activo"
        );
    }
}
