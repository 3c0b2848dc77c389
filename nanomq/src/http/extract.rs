//! Request extractors whose rejections are [`ApiError`]s with the contract's result codes, in
//! place of axum's plain-text ones: [`ApiJson`] and [`ApiJsonArray`] (body), [`ApiQuery`]
//! (query string) and [`ApiPath`] (path parameters).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shared_types::ResultCode;

use super::error::ApiError;

/// A JSON object request body.
///
/// The `Content-Type` is not looked at: the document's own examples post JSON with
/// `curl -d`, which labels it `application/x-www-form-urlencoded`. Not JSON → 400/109; not an
/// object, or an object of the wrong shape → 400/108 naming the field (a missing required
/// field → 400/107); larger than the body limit → 413/108.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        let value = read_json(request, state).await?;
        from_json_object(value).map(ApiJson)
    }
}

/// A JSON array request body, its items left for the handler to check one by one; not an
/// array → 400/108, otherwise as [`ApiJson`].
#[derive(Debug, Clone)]
pub struct ApiJsonArray(pub Vec<serde_json::Value>);

impl<S: Send + Sync> FromRequest<S> for ApiJsonArray {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<ApiJsonArray, ApiError> {
        match read_json(request, state).await? {
            serde_json::Value::Array(items) => Ok(ApiJsonArray(items)),
            _ => Err(ApiError::bad_request(
                ResultCode::InvalidParameter,
                "the body must be a JSON array",
            )),
        }
    }
}

/// Reads the whole body (within the limit) and parses it as JSON.
async fn read_json<S: Send + Sync>(
    request: Request,
    state: &S,
) -> Result<serde_json::Value, ApiError> {
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    status,
                    ResultCode::InvalidParameter,
                    "request body too large",
                )
            } else {
                ApiError::bad_request(ResultCode::UnknownError, rejection.body_text())
            }
        })?;
    serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::bad_request(
            ResultCode::InvalidJson,
            format!("request body is not valid JSON: {error}"),
        )
    })
}

/// Deserializes a JSON object into a request type (serde would also take an array, filling
/// the fields by position: that is refused); the error names the path of the field at fault,
/// and is 107 for a missing field, 108 for anything else.
pub fn from_json_object<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            "a JSON object was expected",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let reason = error.inner().to_string();
        let code = if reason.starts_with("missing field") {
            ResultCode::MissingParameter
        } else {
            ResultCode::InvalidParameter
        };
        let message = if path == "." {
            reason
        } else {
            format!("field `{path}`: {reason}")
        };
        ApiError::bad_request(code, message)
    })
}

/// A query string; an unknown key or an ill-typed value → 400/108.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ApiQuery<T>, ApiError> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                ApiError::bad_request(ResultCode::InvalidParameter, rejection.body_text())
            })
    }
}

/// Path parameters; a parameter that cannot be decoded → 400/108.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiPath<T>, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| {
                ApiError::bad_request(ResultCode::InvalidParameter, rejection.body_text())
            })
    }
}
