//! The CLI's one error type, and the exit code for each class of failure.

use std::process::ExitCode;

/// The exit codes, documented in `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  other failure (bad input file, I/O, a check that failed)
  2  usage error (bad arguments)
  3  cannot connect (broker down or unreachable, TLS failure, timeout)
  4  authentication refused (HTTP 401, MQTT bad username/password or not authorized)
  5  not found (unknown client, route or object)
  6  the broker refused the request (HTTP 4xx other than 401/404) or failed (5xx)";

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or input the user must fix.
    #[error("{0}")]
    Usage(String),
    /// The broker could not be reached.
    #[error("{0}")]
    Connect(String),
    /// The broker refused the credentials.
    #[error("{0}")]
    Auth(String),
    /// The addressed object (client, route) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The broker answered with an error.
    #[error("{0}")]
    Server(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl From<nanomq_client::client::ClientError> for CliError {
    fn from(error: nanomq_client::client::ClientError) -> CliError {
        use nanomq_client::client::ClientError;
        match error {
            ClientError::Encode(text) => CliError::Usage(text),
            ClientError::Decode(_) => CliError::Other(error.to_string()),
            ClientError::Io(_) | ClientError::Closed | ClientError::KeepAliveTimeout(_) => {
                CliError::Connect(error.to_string())
            }
        }
    }
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Other(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Connect(_) => 3,
            CliError::Auth(_) => 4,
            CliError::NotFound(_) => 5,
            CliError::Server(_) => 6,
        })
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.to_string())
    }
}

/// A TLS library's message an operator would not recognise, in words (`None`: leave as is).
/// Matched on the text because the error reaches us through reqwest's and tokio-rustls's
/// wrappers, as an `io::Error` or a boxed error, depending on the path.
pub fn in_words(text: &str) -> Option<&'static str> {
    const WORDS: [(&str, &str); 7] = [
        (
            "InvalidContentType",
            "the server does not speak TLS on that port (drop https:// or --tls, or use its TLS port)",
        ),
        (
            "tls handshake eof",
            "the server closed the connection during the TLS handshake (is that port TLS?)",
        ),
        (
            "CaUsedAsEndEntity",
            "the server presented a CA certificate (CA:TRUE) as its own: its certificate \
             (the broker's tls.cert) must be one the CA issued to the server, not the CA's",
        ),
        (
            "UnknownIssuer",
            "the server's certificate is not signed by a CA this client trusts \
             (--cafile for MQTT, --cacert for the API)",
        ),
        (
            "CertificateRequired",
            "the server asks for a client certificate: give --cert and --key",
        ),
        (
            "UnknownCA",
            "the server does not trust this client's certificate (--cert): it takes those its \
             CA issued (the broker's tls.cacert)",
        ),
        (
            "BadCertificate",
            "the server refused this client's certificate (--cert)",
        ),
    ];
    WORDS
        .iter()
        .find(|(pattern, _)| text.contains(pattern))
        .map(|(_, words)| *words)
}
