//! `GET /api/v4/brokers` and `GET /api/v4/nodes`: the broker's identity, status and uptime.

use serde::{Deserialize, Serialize};

/// One element of `GET /brokers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerInfo {
    /// Local time of the answer, "YYYY-MM-DD HH:MM:SS".
    pub datetime: String,
    /// "Running".
    pub node_status: String,
    /// "NanoMQ Broker".
    pub sysdescr: String,
    /// Time since start, as made by [`format_uptime`].
    pub uptime: String,
    /// The broker's version.
    pub version: String,
}

/// One element of `GET /nodes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInfo {
    /// Clients connected now.
    pub connections: u64,
    /// "Running".
    pub node_status: String,
    /// Time since start, as made by [`format_uptime`].
    pub uptime: String,
    /// The broker's version.
    pub version: String,
}

/// Formats an uptime as NanoMQ does: "15 Hours, 1 minutes, 38 seconds".
pub fn format_uptime(seconds: u64) -> String {
    format!(
        "{} Hours, {} minutes, {} seconds",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// The seconds a [`format_uptime`] string stands for (what `-o json` adds as
/// `uptime_seconds`); None when the text is not in that form.
pub fn parse_uptime(text: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut parts = 0;
    for part in text.split(',') {
        let (number, unit) = part.trim().split_once(' ')?;
        let number: u64 = number.parse().ok()?;
        let scale = match unit.to_ascii_lowercase().as_str() {
            "hours" | "hour" => 3600,
            "minutes" | "minute" => 60,
            "seconds" | "second" => 1,
            _ => return None,
        };
        total = total.checked_add(number.checked_mul(scale)?)?;
        parts += 1;
    }
    (parts > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ApiResponse;

    #[test]
    fn uptime_text_round_trips_to_seconds() {
        for seconds in [0, 59, 61, 3600, 90_061, 4_000_000] {
            assert_eq!(parse_uptime(&format_uptime(seconds)), Some(seconds));
        }
        assert_eq!(
            parse_uptime("15 Hours, 1 minutes, 38 seconds"),
            Some(54_098)
        );
        assert_eq!(parse_uptime("soon"), None);
    }
    use serde_json::Value;

    const BROKERS: &str = r#"{"code":0,"data":[{"datetime":"2022-06-07 10:02:24","node_status":"Running","sysdescr":"NanoMQ Broker","uptime":"15 Hours, 1 minutes, 38 seconds","version":"0.7.9-3"}]}"#;
    const NODES: &str = r#"{"code":0,"data":[{"connections":0,"node_status":"Running","uptime":"15 Hours, 22 minutes, 4 seconds","version":"0.8.1"}]}"#;

    #[test]
    fn brokers_example_round_trips() {
        let response: ApiResponse<Vec<BrokerInfo>> = serde_json::from_str(BROKERS).unwrap();
        let broker = &response.data.as_ref().unwrap()[0];
        assert_eq!(broker.datetime, "2022-06-07 10:02:24");
        assert_eq!(broker.sysdescr, "NanoMQ Broker");
        assert_eq!(broker.version, "0.7.9-3");
        let again = serde_json::to_value(&response).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(BROKERS).unwrap());
    }

    #[test]
    fn nodes_example_round_trips() {
        let response: ApiResponse<Vec<NodeInfo>> = serde_json::from_str(NODES).unwrap();
        let node = &response.data.as_ref().unwrap()[0];
        assert_eq!(node.connections, 0);
        assert_eq!(node.node_status, "Running");
        let again = serde_json::to_value(&response).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(NODES).unwrap());
    }

    #[test]
    fn uptime_matches_the_document() {
        assert_eq!(
            format_uptime(15 * 3600 + 60 + 38),
            "15 Hours, 1 minutes, 38 seconds"
        );
        assert_eq!(format_uptime(0), "0 Hours, 0 minutes, 0 seconds");
        assert_eq!(
            format_uptime(100 * 3600 + 59),
            "100 Hours, 0 minutes, 59 seconds"
        );
    }
}
