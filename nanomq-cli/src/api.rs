//! A small typed client of the HTTP API v4 over reqwest: builds the URLs, authenticates, and
//! turns every failure into the [`CliError`] of its class with one readable line — the meaning
//! of the result code, not just its number.
//!
//! Replies keep `data` as raw JSON, so `--output json` prints exactly what the broker sent;
//! commands read it through the `shared-types` types with [`Reply::typed`].

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared_types::{CtrlAction, PageMeta, ResultCode};

use crate::error::CliError;
use crate::settings::Settings;

/// Installs the process-wide rustls provider (ring) that reqwest needs for `https://` URLs;
/// once is enough, and a second call changes nothing.
pub fn install_crypto_provider() {
    // Fails only when a provider is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// How requests authenticate.
#[derive(Debug, Clone)]
enum Auth {
    Basic { username: String, password: String },
    Bearer(String),
}

/// A client of one broker's HTTP API.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// The URL as the user gave it, for messages.
    shown: String,
    /// The base URL, without `/api/v4`.
    base: Url,
    auth: Auth,
    timeout: Duration,
}

/// A successful answer: its `data` and paging `meta`, if any.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The `data` field, unchanged.
    pub data: Option<Value>,
    /// The `meta` field of a paged list.
    pub meta: Option<PageMeta>,
    /// The fingerprints of the secrets `data` hides (`GET /configuration`), by dotted path.
    pub fingerprints: BTreeMap<String, String>,
}

impl Reply {
    /// `data` read as `T`.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        let data = self.data.clone().unwrap_or(Value::Null);
        serde_json::from_value(data)
            .map_err(|e| CliError::Server(format!("unexpected answer from the broker: {e}")))
    }

    /// A paged list for `-o json`: `{"data": [...], "meta": {page, limit, count, hasnext}}`
    /// (so a script can page), or `data` alone when the answer is not paged.
    pub fn paged_json(&self) -> Value {
        let data = self.data.clone().unwrap_or_default();
        match &self.meta {
            Some(meta) => serde_json::json!({ "data": data, "meta": meta }),
            None => data,
        }
    }
}

/// The certificates of a PEM file, for `--cacert`.
fn read_certificates(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, CliError> {
    let pem = std::fs::read(path)
        .map_err(|e| CliError::Usage(format!("--cacert {}: {e}", path.display())))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| CliError::Usage(format!("--cacert {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(CliError::Usage(format!(
            "--cacert {}: no certificate found",
            path.display()
        )));
    }
    Ok(certs)
}

impl ApiClient {
    /// A client for the URL and credentials of `settings`.
    pub fn new(settings: &Settings) -> Result<ApiClient, CliError> {
        let base = parse_base_url(&settings.url)?;
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("nanomq-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(cacert) = &settings.cacert {
            builder = builder.tls_certs_merge(read_certificates(cacert)?);
        }
        let http = builder
            .build()
            .map_err(|e| CliError::Other(format!("cannot set up the HTTP client: {e}")))?;
        let auth = match &settings.token {
            Some(token) => Auth::Bearer(token.clone()),
            None => Auth::Basic {
                username: settings.username.clone(),
                password: settings.password.clone(),
            },
        };
        Ok(ApiClient {
            http,
            shown: settings.url.trim_end_matches('/').to_string(),
            base,
            auth,
            timeout: settings.timeout,
        })
    }

    /// The same broker at another base URL (after its HTTP port changed).
    pub fn with_url(&self, url: &Url) -> ApiClient {
        ApiClient {
            shown: url.as_str().trim_end_matches('/').to_string(),
            base: url.clone(),
            ..self.clone()
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `GET /api/v4/{segments}` with a query string.
    pub async fn get(&self, segments: &[&str], query: &impl Serialize) -> Result<Reply, CliError> {
        let request = self.request(Method::GET, segments).query(query);
        self.send(request).await
    }

    /// `POST /api/v4/{segments}` with a JSON body.
    pub async fn post(&self, segments: &[&str], body: &impl Serialize) -> Result<Reply, CliError> {
        let request = self.request(Method::POST, segments).json(body);
        self.send(request).await
    }

    /// `PUT /api/v4/{segments}` with a JSON body.
    pub async fn put(&self, segments: &[&str], body: &impl Serialize) -> Result<Reply, CliError> {
        let request = self.request(Method::PUT, segments).json(body);
        self.send(request).await
    }

    /// `POST /api/v4/ctrl/{action}`, asking the broker to close the connection after its
    /// answer: an idle keep-alive connection left in the pool would hold up the broker's
    /// graceful stop of its HTTP server.
    pub async fn ctrl(&self, action: CtrlAction) -> Result<Reply, CliError> {
        let request = self
            .request(Method::POST, &["ctrl", action.as_str()])
            .header(reqwest::header::CONNECTION, "close")
            .json(&serde_json::json!({}));
        self.send(request).await
    }

    /// `DELETE /api/v4/{segments}`.
    pub async fn delete(&self, segments: &[&str]) -> Result<Reply, CliError> {
        self.send(self.request(Method::DELETE, segments)).await
    }

    /// The URL of `/api/v4/{segments}`, each segment percent-encoded.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(["api", "v4"]).extend(segments);
        }
        url
    }

    fn request(&self, method: Method, segments: &[&str]) -> RequestBuilder {
        let request = self.http.request(method, self.url(segments));
        match &self.auth {
            Auth::Basic { username, password } => request.basic_auth(username, Some(password)),
            Auth::Bearer(token) => request.bearer_auth(token),
        }
    }

    async fn send(&self, request: RequestBuilder) -> Result<Reply, CliError> {
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let value: Value = serde_json::from_slice(&body).map_err(|_| {
            CliError::Server(format!(
                "unexpected answer from {} (HTTP {status}, not JSON): is this a nanomq HTTP API?",
                self.shown
            ))
        })?;
        let code = value.get("code").and_then(Value::as_u64);
        if status.is_success() && code == Some(0) {
            let meta = value
                .get("meta")
                .and_then(|meta| serde_json::from_value(meta.clone()).ok());
            let fingerprints = value
                .get("fingerprints")
                .and_then(|f| serde_json::from_value(f.clone()).ok())
                .unwrap_or_default();
            return Ok(Reply {
                data: value.get("data").cloned(),
                meta,
                fingerprints,
            });
        }
        let message = value.get("message").and_then(Value::as_str);
        Err(classify(status, describe(code, message)))
    }

    /// "cannot reach broker at URL: connection refused", or the timeout.
    fn transport_error(&self, error: &reqwest::Error) -> CliError {
        if error.is_timeout() {
            return CliError::Connect(format!(
                "no answer from broker at {} within {}",
                self.shown,
                humanize_duration(self.timeout)
            ));
        }
        CliError::Connect(format!(
            "cannot reach broker at {}: {}",
            self.shown,
            root_cause(error)
        ))
    }
}

/// The base URL from `--url`: a scheme is added when missing, a trailing `/api/v4` dropped.
fn parse_base_url(text: &str) -> Result<Url, CliError> {
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let trimmed = with_scheme.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/api/v4").unwrap_or(trimmed);
    let url = Url::parse(trimmed).map_err(|e| CliError::Usage(format!("--url {text}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(CliError::Usage(format!(
            "--url {text}: expected http://HOST:PORT or https://HOST:PORT"
        )));
    }
    Ok(url)
}

/// "wrong username or password (code 103)", plus the broker's message when it says more;
/// for the codes that say nothing by themselves (101 RPC error, 102 unknown error), the
/// message alone: "not restarted: etc/nanomq.conf: No such file or directory (code 102)".
pub fn describe(code: Option<u64>, message: Option<&str>) -> String {
    let known = code
        .and_then(|c| u16::try_from(c).ok())
        .and_then(ResultCode::from_u16);
    let generic = matches!(known, Some(ResultCode::RpcError | ResultCode::UnknownError));
    if let (true, Some(message), Some(number)) = (generic, message, code)
        && !message.is_empty()
    {
        return format!("{message} (code {number})");
    }
    let head = match (known, code) {
        (Some(known), Some(number)) => format!("{} (code {number})", known.description()),
        (None, Some(number)) => format!("error code {number}"),
        (_, None) => "error without a result code".to_string(),
    };
    match message {
        Some(message)
            if !message.is_empty()
                && known.is_none_or(|k| !k.description().eq_ignore_ascii_case(message)) =>
        {
            format!("{head}: {message}")
        }
        _ => head,
    }
}

/// The error class of a failed answer, by HTTP status.
fn classify(status: StatusCode, text: String) -> CliError {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => CliError::Auth(text),
        StatusCode::NOT_FOUND => CliError::NotFound(text),
        _ => CliError::Server(text),
    }
}

/// The innermost cause, which says what went wrong ("connection refused"), not where.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    if let Some(io) = current.downcast_ref::<std::io::Error>() {
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => return "connection refused".to_string(),
            std::io::ErrorKind::ConnectionReset => return "connection reset".to_string(),
            _ => {}
        }
    }
    let text = current.to_string();
    if let Some(plain) = crate::error::in_words(&text) {
        return plain.to_string();
    }
    if text == "connection closed before message completed" {
        return format!("{text} (is this the HTTP API's port, and not an MQTT one?)");
    }
    text
}

/// `10s`, `1.5s`, `250ms`.
pub fn humanize_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_carry_the_meaning() {
        assert_eq!(
            describe(Some(103), Some("wrong username or password")),
            "wrong username or password (code 103)"
        );
        assert_eq!(
            describe(Some(108), Some("invalid configuration: field `x`: bad")),
            "request parameter invalid (code 108): invalid configuration: field `x`: bad"
        );
        assert_eq!(describe(Some(999), None), "error code 999");
        assert_eq!(
            describe(
                Some(102),
                Some("not restarted: x.conf: No such file or directory")
            ),
            "not restarted: x.conf: No such file or directory (code 102)"
        );
        assert_eq!(describe(Some(102), None), "unknown error (code 102)");
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(humanize_duration(Duration::from_secs(10)), "10s");
        assert_eq!(humanize_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(humanize_duration(Duration::from_millis(40)), "40ms");
    }

    #[test]
    fn base_urls() {
        let url = |text| parse_base_url(text).unwrap().to_string();
        assert_eq!(url("http://127.0.0.1:8081"), "http://127.0.0.1:8081/");
        assert_eq!(url("127.0.0.1:8081/"), "http://127.0.0.1:8081/");
        assert_eq!(url("https://h:1/api/v4/"), "https://h:1/");
        assert_eq!(url("http://h/proxy"), "http://h/proxy");
        assert!(parse_base_url("ftp://h").is_err());
        assert!(parse_base_url("http://").is_err());
    }

    #[test]
    fn urls_encode_segments() {
        let settings = Settings {
            url: "http://h:1/prefix/".into(),
            username: String::new(),
            password: String::new(),
            token: None,
            output: crate::cli::OutputFormat::Table,
            color: false,
            timeout: Duration::from_secs(1),
            cacert: None,
            api_login_given: false,
        };
        install_crypto_provider();
        let client = ApiClient::new(&settings).unwrap();
        assert_eq!(
            client.url(&["clients", "a/b c"]).as_str(),
            "http://h:1/prefix/api/v4/clients/a%2Fb%20c"
        );
    }

    #[test]
    fn classes_by_status() {
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, String::new()),
            CliError::Auth(_)
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, String::new()),
            CliError::NotFound(_)
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, String::new()),
            CliError::Server(_)
        ));
    }
}
