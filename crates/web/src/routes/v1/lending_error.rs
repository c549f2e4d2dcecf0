//! Lending errors as problem details.

use crate::error::ApiError;
use axum::http::StatusCode;
use credinet_lending::{LendingError, RefusalKind};

impl From<LendingError> for ApiError {
    fn from(e: LendingError) -> Self {
        let detail = e.to_string();
        let (status, code) = match &e {
            LendingError::Refused(r) => match r.kind() {
                RefusalKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-input"),
                RefusalKind::Conflict => (StatusCode::CONFLICT, "conflict"),
                RefusalKind::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            },
            LendingError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-input"),
            LendingError::NotFound(what) => return ApiError::not_found(what),
            LendingError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            LendingError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            LendingError::AbovePayoff { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "above-payoff"),
            LendingError::IdempotencyMismatch => (StatusCode::CONFLICT, "idempotency-key-reused"),
            LendingError::InvalidTransition { .. } => (StatusCode::CONFLICT, "invalid-transition"),
            LendingError::Store(_) => {
                let LendingError::Store(inner) = e else {
                    unreachable!()
                };
                return inner.into();
            }
        };
        ApiError::new(status, code, detail)
    }
}
