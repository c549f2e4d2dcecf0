//! What a page reads from a request — path, query string, form — through extractors whose refusals are
//! the Spanish error page, never the framework's English plain text (`Failed to deserialize query
//! string…`). The `/v1` twins are in `routes::v1::extract`.
//!
//! A query string built by a form sends every field, filled or not (`?desde=&hasta=`): an empty value
//! means "no filter", read with [`blank_is_none`].

use crate::error::PageError;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use serde::{Deserialize, Deserializer};
use std::fmt::Display;
use std::str::FromStr;

/// `Path` with typed ids (`PagePath<LoanId>`): `/prestamos/abc` or an id past `i64` is a page that does
/// not exist.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageError))]
pub struct PagePath<T>(pub T);

impl From<PathRejection> for PageError {
    fn from(rejection: PathRejection) -> Self {
        if rejection.status().is_server_error() {
            // The route and the extractor disagree on the parameters: our bug, not the visitor's.
            tracing::error!(error = %rejection.body_text(), "path parameters do not fit the handler");
            return PageError::Internal;
        }
        tracing::debug!(error = %rejection.body_text(), "page path refused");
        PageError::NotFound
    }
}

/// `Query` whose malformed strings (`?desde=ayer`, `?p=abc`) are the Spanish error page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct PageQuery<T>(pub T);

impl From<QueryRejection> for PageError {
    fn from(rejection: QueryRejection) -> Self {
        tracing::debug!(error = %rejection.body_text(), "page query refused");
        PageError::BadQuery
    }
}

/// `Form` whose refusals (a field missing or of the wrong type, a body too large) are the Spanish error
/// page. A form's own checks (an amount that is not one) are answered on the form, next to the field.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(PageError))]
pub struct PageForm<T>(pub T);

impl From<FormRejection> for PageError {
    fn from(rejection: FormRejection) -> Self {
        tracing::debug!(error = %rejection.body_text(), "page form refused");
        PageError::BadForm
    }
}

/// A query parameter where an empty value (`desde=`) or one of blanks means "not given".
pub fn blank_is_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    let raw: Option<String> = Option::deserialize(deserializer)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => value.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[derive(Deserialize, Debug)]
    struct Filter {
        #[serde(default, deserialize_with = "blank_is_none")]
        desde: Option<NaiveDate>,
        #[serde(default, deserialize_with = "blank_is_none")]
        p: Option<u64>,
    }

    fn parse(query: &str) -> Result<Filter, QueryRejection> {
        let uri: axum::http::Uri = format!("/pagos?{query}").parse().unwrap();
        axum::extract::Query::try_from_uri(&uri).map(|q| q.0)
    }

    #[test]
    fn an_empty_filter_means_no_filter() {
        let f = parse("desde=&p=").unwrap();
        assert_eq!((f.desde, f.p), (None, None));
        let f = parse("").unwrap();
        assert_eq!((f.desde, f.p), (None, None));
        let f = parse("desde=+&p=2").unwrap();
        assert_eq!((f.desde, f.p), (None, Some(2)));
    }

    #[test]
    fn a_filled_filter_is_parsed_and_a_bad_one_refused() {
        let f = parse("desde=2026-01-20").unwrap();
        assert_eq!(f.desde, NaiveDate::from_ymd_opt(2026, 1, 20));
        assert!(parse("desde=ayer").is_err());
        assert!(parse("p=-1").is_err());
    }
}
