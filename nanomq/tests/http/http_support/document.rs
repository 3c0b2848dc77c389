//! The document's configuration examples, byte for byte (`nanomq-http-api-v4.zh.md`).

/// The reply of the document's `GET /api/v4/configuration` example.
pub const CONFIG_GET_EXAMPLE: &str =
    include_str!("../../../../shared-types/testdata/config_get_example.json");

/// The body of the document's `POST /api/v4/configuration` example.
pub const CONFIG_POST_EXAMPLE: &str =
    include_str!("../../../../shared-types/testdata/config_post_example.json");
