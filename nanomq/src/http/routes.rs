//! The route table: each resource module lists its routes as [`ApiRoute`]s (path, method, the
//! name and description `GET /api/v4` shows, and the handler), and the router and the index are
//! both built from that one list, so the index can never name a route that is not served.

use axum::Json;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};
use shared_types::{ApiResponse, Endpoint, PageRequest};

use super::error::ApiError;
use super::state::AppState;

/// Every path starts with this.
pub const PREFIX: &str = "/api/v4";

/// What a JSON handler returns.
pub type ApiResult<T> = Result<Json<ApiResponse<T>>, ApiError>;

/// One route below [`PREFIX`].
pub struct ApiRoute {
    /// The path below the prefix, in axum syntax (`/clients/{clientid}`).
    pub path: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The stable name shown by the index.
    pub name: &'static str,
    /// The description shown by the index.
    pub descr: &'static str,
    /// Whether the route is beyond the specification (API.md §4); listed after the others.
    pub beyond_spec: bool,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

impl ApiRoute {
    fn new(
        method: Method,
        path: &'static str,
        name: &'static str,
        descr: &'static str,
        handler: MethodRouter<AppState>,
    ) -> ApiRoute {
        ApiRoute {
            path,
            method,
            name,
            descr,
            beyond_spec: false,
            handler,
        }
    }

    /// A GET route.
    pub fn get<H, T>(path: &'static str, name: &'static str, descr: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        ApiRoute::new(Method::GET, path, name, descr, get(h))
    }

    /// A POST route.
    pub fn post<H, T>(path: &'static str, name: &'static str, descr: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        ApiRoute::new(Method::POST, path, name, descr, post(h))
    }

    /// A PUT route.
    pub fn put<H, T>(path: &'static str, name: &'static str, descr: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        ApiRoute::new(Method::PUT, path, name, descr, put(h))
    }

    /// A DELETE route.
    pub fn delete<H, T>(path: &'static str, name: &'static str, descr: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        ApiRoute::new(Method::DELETE, path, name, descr, delete(h))
    }

    /// Marks the route as one of API.md §4.
    pub fn beyond_spec(self) -> ApiRoute {
        ApiRoute {
            beyond_spec: true,
            ..self
        }
    }

    /// The index entry, written as the document writes paths: `/clients/:clientid`, and a
    /// trailing slash on paths without parameters (`/brokers/`).
    pub fn endpoint(&self) -> Endpoint {
        let path = if self.path.contains('{') {
            self.path
                .replace("{*", ":")
                .replace('{', ":")
                .replace('}', "")
        } else {
            format!("{}/", self.path)
        };
        Endpoint {
            path,
            name: self.name.to_string(),
            method: self.method.to_string(),
            descr: self.descr.to_string(),
        }
    }
}

/// `{"code":0,"data":items}`, or one page of them with `meta` when a page was asked for.
pub fn paged<T>(items: Vec<T>, page: Option<PageRequest>) -> ApiResponse<Vec<T>> {
    match page {
        None => ApiResponse::ok(items),
        Some(page) => {
            let (items, meta) = page.apply(items);
            ApiResponse::paged(items, meta)
        }
    }
}
