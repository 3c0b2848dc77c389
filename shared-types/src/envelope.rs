//! The response envelope `{"code":0,"data":...,"meta":{...}}`, the error body `{"code":N}`, and
//! the opt-in paging (`_page`, `_limit`) of list routes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code::ResultCode;

/// `_limit` used when a request gives `_page` without `_limit` (EMQX v4's default).
pub const DEFAULT_PAGE_LIMIT: u64 = 10_000;

/// Every response body: a result code, then the payload and paging metadata when there are any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiResponse<T> {
    /// 0 on success, else the failure's result code.
    pub code: ResultCode,
    /// The payload; absent for bodies such as `{"code":0}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Paging metadata, present only when the request asked for a page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<PageMeta>,
    /// A human-readable explanation, mostly on failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl<T> ApiResponse<T> {
    /// `{"code":0,"data":data}`.
    pub fn ok(data: T) -> ApiResponse<T> {
        ApiResponse {
            code: ResultCode::Success,
            data: Some(data),
            meta: None,
            message: None,
        }
    }

    /// `{"code":0,"data":data,"meta":meta}`, one page of a list.
    pub fn paged(data: T, meta: PageMeta) -> ApiResponse<T> {
        ApiResponse {
            meta: Some(meta),
            ..ApiResponse::ok(data)
        }
    }

    /// `{"code":0}`, success with nothing to return.
    pub fn ok_empty() -> ApiResponse<T> {
        ApiResponse {
            code: ResultCode::Success,
            data: None,
            meta: None,
            message: None,
        }
    }

    /// Client side: the payload on code 0 (None for `{"code":0}`), else the error body.
    pub fn into_result(self) -> Result<Option<T>, ErrorBody> {
        if self.code.is_success() {
            Ok(self.data)
        } else {
            Err(ErrorBody {
                code: self.code,
                message: self.message,
            })
        }
    }
}

/// The body of a failed request: `{"code":N}` plus an optional `"message"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The failure's result code.
    pub code: ResultCode,
    /// A human-readable explanation; omitted when None.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorBody {
    /// `{"code":code}`.
    pub fn new(code: ResultCode) -> ErrorBody {
        ErrorBody {
            code,
            message: None,
        }
    }

    /// `{"code":code,"message":message}`.
    pub fn with_message(code: ResultCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code,
            message: Some(message.into()),
        }
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "code {}: {message}", self.code),
            None => write!(f, "code {}", self.code),
        }
    }
}

impl std::error::Error for ErrorBody {}

/// Paging metadata of a list reply: `{"page","limit","count","hasnext"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageMeta {
    /// The page returned, from 1.
    pub page: u64,
    /// The page size asked for.
    pub limit: u64,
    /// The number of matching items over all pages.
    pub count: u64,
    /// Whether a later page holds more items.
    pub hasnext: bool,
}

/// A page asked for by `_page` and `_limit` (both at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// The page number, from 1.
    pub page: u64,
    /// The page size.
    pub limit: u64,
}

impl PageRequest {
    /// The page asked for, or None when neither `_page` nor `_limit` was given (whole list).
    pub fn from_query(page: Option<u64>, limit: Option<u64>) -> Option<PageRequest> {
        if page.is_none() && limit.is_none() {
            return None;
        }
        Some(PageRequest {
            page: page.unwrap_or(1).max(1),
            limit: limit.unwrap_or(DEFAULT_PAGE_LIMIT).max(1),
        })
    }

    /// Cuts this page out of the whole (already ordered) list and describes it.
    pub fn apply<T>(&self, items: Vec<T>) -> (Vec<T>, PageMeta) {
        let count = items.len() as u64;
        let skip = self.page.saturating_sub(1).saturating_mul(self.limit);
        let page: Vec<T> = items
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .collect();
        let meta = PageMeta {
            page: self.page,
            limit: self.limit,
            count,
            hasnext: skip.saturating_add(self.limit) < count,
        };
        (page, meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn ok_and_empty_shapes() {
        let body = serde_json::to_value(ApiResponse::ok(vec![1, 2])).unwrap();
        assert_eq!(body, json!({"code": 0, "data": [1, 2]}));
        let empty = serde_json::to_value(ApiResponse::<Value>::ok_empty()).unwrap();
        assert_eq!(empty, json!({"code": 0}));
    }

    #[test]
    fn paged_shape() {
        let meta = PageMeta {
            page: 2,
            limit: 1,
            count: 3,
            hasnext: true,
        };
        let body = serde_json::to_value(ApiResponse::paged(vec!["b"], meta)).unwrap();
        assert_eq!(
            body,
            json!({"code": 0, "data": ["b"], "meta": {"page": 2, "limit": 1, "count": 3, "hasnext": true}})
        );
        let back: ApiResponse<Vec<String>> = serde_json::from_value(body).unwrap();
        assert_eq!(back.meta, Some(meta));
    }

    #[test]
    fn into_result_on_success_and_failure() {
        let ok: ApiResponse<Vec<u8>> = serde_json::from_str(r#"{"code":0,"data":[7]}"#).unwrap();
        assert_eq!(ok.into_result().unwrap(), Some(vec![7]));
        let empty: ApiResponse<Value> = serde_json::from_str(r#"{"code":0}"#).unwrap();
        assert_eq!(empty.into_result().unwrap(), None);
        let failed: ApiResponse<Value> =
            serde_json::from_str(r#"{"code":103,"message":"nope"}"#).unwrap();
        let error = failed.into_result().unwrap_err();
        assert_eq!(error.code, ResultCode::WrongCredentials);
        assert_eq!(error.message.as_deref(), Some("nope"));
        let bare: ApiResponse<Value> = serde_json::from_str(r#"{"code":104}"#).unwrap();
        assert_eq!(
            bare.into_result().unwrap_err(),
            ErrorBody::new(ResultCode::EmptyCredentials)
        );
    }

    #[test]
    fn error_body_omits_absent_message() {
        let bare = serde_json::to_value(ErrorBody::new(ResultCode::UnknownError)).unwrap();
        assert_eq!(bare, json!({"code": 102}));
        let with = ErrorBody::with_message(ResultCode::InvalidParameter, "field `x`: bad");
        assert_eq!(
            serde_json::to_value(&with).unwrap(),
            json!({"code": 108, "message": "field `x`: bad"})
        );
        assert_eq!(
            with.to_string(),
            "code 108 (request parameter invalid): field `x`: bad"
        );
    }

    #[test]
    fn page_request_defaults() {
        assert_eq!(PageRequest::from_query(None, None), None);
        assert_eq!(
            PageRequest::from_query(Some(3), None),
            Some(PageRequest {
                page: 3,
                limit: DEFAULT_PAGE_LIMIT
            })
        );
        assert_eq!(
            PageRequest::from_query(None, Some(5)),
            Some(PageRequest { page: 1, limit: 5 })
        );
    }

    #[test]
    fn page_request_cuts_pages() {
        let items = vec!["a", "b", "c", "d", "e"];
        let request = PageRequest { page: 2, limit: 2 };
        let (page, meta) = request.apply(items.clone());
        assert_eq!(page, vec!["c", "d"]);
        assert_eq!(
            meta,
            PageMeta {
                page: 2,
                limit: 2,
                count: 5,
                hasnext: true
            }
        );
        let (last, meta) = PageRequest { page: 3, limit: 2 }.apply(items.clone());
        assert_eq!(last, vec!["e"]);
        assert!(!meta.hasnext);
        let (beyond, meta) = PageRequest { page: 9, limit: 2 }.apply(items);
        assert!(beyond.is_empty());
        assert_eq!(meta.count, 5);
        assert!(!meta.hasnext);
    }
}
