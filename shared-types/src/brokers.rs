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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ApiResponse;
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
