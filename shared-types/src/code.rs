//! The result code (`"code"`) carried by every response body, with the exact numbers of API.md §1.
//!
//! The HTTP status that goes with a code depends on the route and the situation, so it is chosen by
//! the server, not here.

use std::fmt;

use serde::de::{self, Deserializer, Unexpected};
use serde::{Deserialize, Serialize, Serializer};

/// A result code of the HTTP API; serialized as its bare integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum ResultCode {
    /// 0: success.
    Success = 0,
    /// 101: RPC error.
    RpcError = 101,
    /// 102: unknown error (also an unknown route or method).
    UnknownError = 102,
    /// 103: wrong username or password.
    WrongCredentials = 103,
    /// 104: empty username or password (no credentials sent).
    EmptyCredentials = 104,
    /// 105: user does not exist.
    UserNotFound = 105,
    /// 106: the admin account cannot be deleted.
    AdminNotDeletable = 106,
    /// 107: a required request parameter is missing.
    MissingParameter = 107,
    /// 108: a request parameter is invalid.
    InvalidParameter = 108,
    /// 109: the request body is not valid JSON.
    InvalidJson = 109,
    /// 110: plugin already enabled.
    PluginAlreadyEnabled = 110,
    /// 111: plugin already closed.
    PluginAlreadyClosed = 111,
    /// 112: client not online.
    ClientNotOnline = 112,
    /// 113: user already exists.
    UserAlreadyExists = 113,
    /// 114: old password wrong.
    OldPasswordWrong = 114,
    /// 115: illegal topic.
    IllegalTopic = 115,
    /// 116: token expired.
    TokenExpired = 116,
    /// 117: the configuration text is not parseable.
    ConfigUnparseable = 117,
    /// 118: writing the configuration file failed.
    ConfigWriteFailed = 118,
}

impl ResultCode {
    /// Every code, in numeric order.
    pub const ALL: [ResultCode; 19] = [
        ResultCode::Success,
        ResultCode::RpcError,
        ResultCode::UnknownError,
        ResultCode::WrongCredentials,
        ResultCode::EmptyCredentials,
        ResultCode::UserNotFound,
        ResultCode::AdminNotDeletable,
        ResultCode::MissingParameter,
        ResultCode::InvalidParameter,
        ResultCode::InvalidJson,
        ResultCode::PluginAlreadyEnabled,
        ResultCode::PluginAlreadyClosed,
        ResultCode::ClientNotOnline,
        ResultCode::UserAlreadyExists,
        ResultCode::OldPasswordWrong,
        ResultCode::IllegalTopic,
        ResultCode::TokenExpired,
        ResultCode::ConfigUnparseable,
        ResultCode::ConfigWriteFailed,
    ];

    /// The number sent on the wire.
    pub fn as_u16(self) -> u16 {
        self as u16
    }

    /// The code with this number, if it is one of the contract's.
    pub fn from_u16(value: u16) -> Option<ResultCode> {
        ResultCode::ALL
            .into_iter()
            .find(|code| code.as_u16() == value)
    }

    /// Whether this is code 0.
    pub fn is_success(self) -> bool {
        self == ResultCode::Success
    }

    /// The English meaning of the code.
    pub fn description(self) -> &'static str {
        match self {
            ResultCode::Success => "success",
            ResultCode::RpcError => "RPC error",
            ResultCode::UnknownError => "unknown error",
            ResultCode::WrongCredentials => "wrong username or password",
            ResultCode::EmptyCredentials => "empty username or password",
            ResultCode::UserNotFound => "user does not exist",
            ResultCode::AdminNotDeletable => "admin account cannot be deleted",
            ResultCode::MissingParameter => "required request parameter missing",
            ResultCode::InvalidParameter => "request parameter invalid",
            ResultCode::InvalidJson => "request body is not valid JSON",
            ResultCode::PluginAlreadyEnabled => "plugin already enabled",
            ResultCode::PluginAlreadyClosed => "plugin already closed",
            ResultCode::ClientNotOnline => "client not online",
            ResultCode::UserAlreadyExists => "user already exists",
            ResultCode::OldPasswordWrong => "old password wrong",
            ResultCode::IllegalTopic => "illegal topic",
            ResultCode::TokenExpired => "token expired",
            ResultCode::ConfigUnparseable => "config text not parseable",
            ResultCode::ConfigWriteFailed => "writing the config file failed",
        }
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.as_u16(), self.description())
    }
}

impl From<ResultCode> for u16 {
    fn from(code: ResultCode) -> u16 {
        code.as_u16()
    }
}

impl TryFrom<u16> for ResultCode {
    type Error = u16;

    /// Fails with the number itself when it is not a known code.
    fn try_from(value: u16) -> Result<ResultCode, u16> {
        ResultCode::from_u16(value).ok_or(value)
    }
}

impl Serialize for ResultCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.as_u16())
    }
}

impl<'de> Deserialize<'de> for ResultCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ResultCode, D::Error> {
        let value = u64::deserialize(deserializer)?;
        u16::try_from(value)
            .ok()
            .and_then(ResultCode::from_u16)
            .ok_or_else(|| {
                de::Error::invalid_value(Unexpected::Unsigned(value), &"a known result code")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_contract() {
        assert_eq!(ResultCode::Success.as_u16(), 0);
        assert_eq!(ResultCode::RpcError.as_u16(), 101);
        assert_eq!(ResultCode::WrongCredentials.as_u16(), 103);
        assert_eq!(ResultCode::InvalidJson.as_u16(), 109);
        assert_eq!(ResultCode::TokenExpired.as_u16(), 116);
        assert_eq!(ResultCode::ConfigWriteFailed.as_u16(), 118);
        let numbers: Vec<u16> = ResultCode::ALL.iter().map(|c| c.as_u16()).collect();
        let mut expected = vec![0];
        expected.extend(101..=118);
        assert_eq!(numbers, expected);
    }

    #[test]
    fn serializes_as_integer_and_back() {
        for code in ResultCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, code.as_u16().to_string());
            assert_eq!(serde_json::from_str::<ResultCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn unknown_numbers_and_strings_are_rejected() {
        assert!(serde_json::from_str::<ResultCode>("100").is_err());
        assert!(serde_json::from_str::<ResultCode>("119").is_err());
        assert!(serde_json::from_str::<ResultCode>("70000").is_err());
        assert!(serde_json::from_str::<ResultCode>("\"0\"").is_err());
        assert_eq!(ResultCode::try_from(200), Err(200));
    }

    #[test]
    fn descriptions_are_english() {
        assert_eq!(
            ResultCode::WrongCredentials.description(),
            "wrong username or password"
        );
        assert_eq!(ResultCode::IllegalTopic.description(), "illegal topic");
        assert_eq!(
            ResultCode::WrongCredentials.to_string(),
            "103 (wrong username or password)"
        );
        assert!(ResultCode::Success.is_success());
        assert!(!ResultCode::UnknownError.is_success());
    }
}
