//! The one error type of the HTTP API: an HTTP status plus the JSON body `{"code":N,"message":…}`
//! of API.md §1. Every failure — authentication, routing, extraction, the handlers' own — ends
//! up as an [`ApiError`], so no error ever leaves the server as an empty body or plain text.

use std::fmt;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared_types::{ErrorBody, ResultCode};

/// A failed request: the status to answer with and the body to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    challenge: Option<&'static str>,
}

impl ApiError {
    /// An error with this status, result code and explanation.
    pub fn new(status: StatusCode, code: ResultCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody::with_message(code, message),
            challenge: None,
        }
    }

    /// 400 with `code`.
    pub fn bad_request(code: ResultCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401 with `code`, carrying a `WWW-Authenticate` challenge for `scheme` ("Basic", "Bearer").
    pub fn unauthorized(
        scheme: &'static str,
        code: ResultCode,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            challenge: Some(scheme),
            ..ApiError::new(StatusCode::UNAUTHORIZED, code, message)
        }
    }

    /// 404 with `code`.
    pub fn not_found(code: ResultCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 500 with `code`.
    pub fn internal(code: ResultCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code, message)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The result code.
    pub fn code(&self) -> ResultCode {
        self.body.code
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", self.status.as_u16(), self.body)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(scheme) = self.challenge {
            let value = format!("{scheme} realm=\"nanomq\"");
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// The fallback of the router: no route has this path (404/102).
pub(super) async fn unknown_route() -> ApiError {
    ApiError::not_found(ResultCode::UnknownError, "no such route")
}

/// The fallback of a known path asked with another method (405/102).
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ResultCode::UnknownError,
        "method not allowed on this route",
    )
}
