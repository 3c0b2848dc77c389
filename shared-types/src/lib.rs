//! The REST contract of the nanomq HTTP API v4 (see `shared/spec/API.md`): every request and
//! response body as a serde type, used by both the broker and `nanomq-cli`. No I/O here.
