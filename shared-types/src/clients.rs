//! `GET /api/v4/clients[/{clientid}|/username/{username}]`: the client object and the list filters.

use serde::{Deserialize, Serialize};

use crate::envelope::PageRequest;
use crate::lenient;

/// One client (or persistent session) as the API reports it (API.md §3, "Client object").
///
/// Deserializing also accepts NanoMQ's own replies, which lack `connected`, `connected_at`,
/// `send_msg`, `mqueue_len` and `dropped`: those become `conn_state == connected`, `""`, 0, 0
/// and 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ClientInfoWire")]
pub struct ClientInfo {
    /// The MQTT client identifier.
    pub client_id: String,
    /// The username of CONNECT, `""` when none.
    pub username: String,
    /// Keep alive, seconds.
    pub keepalive: u16,
    /// Whether the client is connected or only its session remains.
    pub conn_state: ConnState,
    /// `conn_state == connected`.
    pub connected: bool,
    /// The clean start (clean session) flag of CONNECT.
    pub clean_start: bool,
    /// The protocol name of CONNECT.
    pub proto_name: ProtoName,
    /// The protocol level: 3, 4 or 5.
    pub proto_ver: u8,
    /// Peer address; absent for a disconnected session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Peer port; absent for a disconnected session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Connection time, "YYYY-MM-DD HH:MM:SS".
    pub connected_at: String,
    /// PUBLISH packets received from the client.
    pub recv_msg: u64,
    /// PUBLISH packets sent to the client.
    pub send_msg: u64,
    /// Messages queued for the client now.
    pub mqueue_len: u64,
    /// Messages dropped from its queue: full while the client was away, or while it did not
    /// keep up (see docs/limits-and-slow-clients.md, "Slow and stuck clients").
    pub dropped: u64,
    /// The will topic; present only when a will is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_topic: Option<String>,
    /// The will's payload as text (as NanoMQ shows it; bytes that are not UTF-8 become
    /// U+FFFD); present only when a will is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub will_msg: Option<String>,
}

/// What a client object may look like on the wire, before `connected`/`conn_state` are settled.
#[derive(Deserialize)]
struct ClientInfoWire {
    #[serde(alias = "clientid")]
    client_id: String,
    #[serde(default)]
    username: String,
    keepalive: u16,
    conn_state: Option<ConnState>,
    connected: Option<bool>,
    clean_start: bool,
    proto_name: ProtoName,
    proto_ver: u8,
    ip_address: Option<String>,
    port: Option<u16>,
    #[serde(default)]
    connected_at: String,
    #[serde(default)]
    recv_msg: u64,
    #[serde(default)]
    send_msg: u64,
    #[serde(default)]
    mqueue_len: u64,
    #[serde(default)]
    dropped: u64,
    will_topic: Option<String>,
    #[serde(default)]
    will_msg: Option<String>,
}

impl TryFrom<ClientInfoWire> for ClientInfo {
    type Error = &'static str;

    fn try_from(wire: ClientInfoWire) -> Result<ClientInfo, &'static str> {
        let conn_state = match (wire.conn_state, wire.connected) {
            (Some(state), _) => state,
            (None, Some(true)) => ConnState::Connected,
            (None, Some(false)) => ConnState::Disconnected,
            (None, None) => return Err("missing field `conn_state`"),
        };
        Ok(ClientInfo {
            client_id: wire.client_id,
            username: wire.username,
            keepalive: wire.keepalive,
            conn_state,
            connected: wire.connected.unwrap_or(conn_state == ConnState::Connected),
            clean_start: wire.clean_start,
            proto_name: wire.proto_name,
            proto_ver: wire.proto_ver,
            ip_address: wire.ip_address,
            port: wire.port,
            connected_at: wire.connected_at,
            recv_msg: wire.recv_msg,
            send_msg: wire.send_msg,
            mqueue_len: wire.mqueue_len,
            dropped: wire.dropped,
            will_topic: wire.will_topic,
            will_msg: wire.will_msg,
        })
    }
}

/// A client's connection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnState {
    /// The network connection is up.
    Connected,
    /// Accepted as a filter only: nothing is reported idle, so it matches no client.
    Idle,
    /// A persistent session whose client is away.
    Disconnected,
}

/// The protocol name a client connected with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProtoName {
    /// MQTT 3.1.1 and 5.0.
    #[serde(rename = "MQTT")]
    Mqtt,
    /// MQTT 3.1.
    #[serde(rename = "MQIsdp")]
    MqIsdp,
    /// CoAP (a filter value of the document; this broker has no such clients).
    #[serde(rename = "CoAP")]
    CoAp,
    /// LwM2M (a filter value of the document; this broker has no such clients).
    #[serde(rename = "LwM2M")]
    LwM2m,
    /// MQTT-SN (a filter value of the document; this broker has no such clients).
    #[serde(rename = "MQTT-SN")]
    MqttSn,
}

/// The query-string filters of `GET /clients`, combined with AND; an unknown key is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientQuery {
    /// Exact client identifier (also accepted as `client_id`).
    #[serde(default, alias = "client_id", skip_serializing_if = "Option::is_none")]
    pub clientid: Option<String>,
    /// Exact username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Connection state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conn_state: Option<ConnState>,
    /// Clean start flag.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub clean_start: Option<bool>,
    /// Protocol name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proto_name: Option<ProtoName>,
    /// Protocol level.
    #[serde(
        default,
        deserialize_with = "lenient::opt_uint",
        skip_serializing_if = "Option::is_none"
    )]
    pub proto_ver: Option<u8>,
    /// Page number (`_page`, from 1); asks for a paged reply.
    #[serde(
        rename = "_page",
        default,
        deserialize_with = "lenient::opt_page_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub page: Option<u64>,
    /// Page size (`_limit`); asks for a paged reply.
    #[serde(
        rename = "_limit",
        default,
        deserialize_with = "lenient::opt_page_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit: Option<u64>,
}

impl ClientQuery {
    /// Whether the client passes every filter given (paging aside).
    pub fn matches(&self, client: &ClientInfo) -> bool {
        self.clientid
            .as_ref()
            .is_none_or(|id| *id == client.client_id)
            && self.username.as_ref().is_none_or(|u| *u == client.username)
            && self.conn_state.is_none_or(|s| s == client.conn_state)
            && self.clean_start.is_none_or(|c| c == client.clean_start)
            && self.proto_name.is_none_or(|p| p == client.proto_name)
            && self.proto_ver.is_none_or(|v| v == client.proto_ver)
    }

    /// The page asked for, or None for the whole list.
    pub fn page_request(&self) -> Option<PageRequest> {
        PageRequest::from_query(self.page, self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ApiResponse;
    use crate::test_support::assert_json_subset;
    use serde_json::{Value, json};

    const LIST: &str = r#"{"code":0,"data":[{"client_id":"nanomq-f6d6fbfb","username":"alvin","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5,"recv_msg":3},{"client_id":"nanomq-bdf61d9b","username":"nanomq","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5,"recv_msg":0}]}"#;
    const ONE: &str = r#"{"code":0,"data":[{"client_id":"nanomq-29978ec1","username":"","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5}]}"#;
    const BY_USERNAME: &str = r#"{"code":0,"data":[{"client_id":"nanomq-56baa74d","username":"user001","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5}]}"#;

    fn round_trip(example: &str) -> Vec<ClientInfo> {
        let response: ApiResponse<Vec<ClientInfo>> = serde_json::from_str(example).unwrap();
        let again = serde_json::to_value(&response).unwrap();
        assert_json_subset(&serde_json::from_str::<Value>(example).unwrap(), &again, "");
        let back: ApiResponse<Vec<ClientInfo>> = serde_json::from_value(again).unwrap();
        assert_eq!(back, response);
        response.data.unwrap()
    }

    fn sample() -> ClientInfo {
        ClientInfo {
            client_id: "c1".into(),
            username: "alice".into(),
            keepalive: 30,
            conn_state: ConnState::Connected,
            connected: true,
            clean_start: false,
            proto_name: ProtoName::Mqtt,
            proto_ver: 4,
            ip_address: Some("127.0.0.1".into()),
            port: Some(50000),
            connected_at: "2024-01-02 03:04:05".into(),
            recv_msg: 1,
            send_msg: 2,
            mqueue_len: 3,
            dropped: 4,
            will_topic: None,
            will_msg: None,
        }
    }

    #[test]
    fn list_example_round_trips() {
        let clients = round_trip(LIST);
        assert_eq!(clients.len(), 2);
        assert_eq!(clients[0].client_id, "nanomq-f6d6fbfb");
        assert_eq!(clients[0].username, "alvin");
        assert_eq!(clients[0].recv_msg, 3);
        assert_eq!(clients[0].conn_state, ConnState::Connected);
        assert!(clients[0].connected, "derived from conn_state");
        assert_eq!(clients[1].proto_ver, 5);
    }

    #[test]
    fn lookup_examples_round_trip() {
        let one = round_trip(ONE);
        assert_eq!(one[0].client_id, "nanomq-29978ec1");
        assert_eq!(one[0].username, "");
        let by_username = round_trip(BY_USERNAME);
        assert_eq!(by_username[0].username, "user001");
        assert_eq!(by_username[0].keepalive, 60);
    }

    #[test]
    fn full_object_shape() {
        let value = serde_json::to_value(sample()).unwrap();
        assert_eq!(
            value,
            json!({
                "client_id": "c1", "username": "alice", "keepalive": 30,
                "conn_state": "connected", "connected": true, "clean_start": false,
                "proto_name": "MQTT", "proto_ver": 4, "ip_address": "127.0.0.1", "port": 50000,
                "connected_at": "2024-01-02 03:04:05", "recv_msg": 1, "send_msg": 2, "mqueue_len": 3,
                "dropped": 4
            })
        );
        assert_eq!(
            serde_json::from_value::<ClientInfo>(value).unwrap(),
            sample()
        );
    }

    #[test]
    fn absent_optionals_are_omitted_not_null() {
        let away = ClientInfo {
            conn_state: ConnState::Disconnected,
            connected: false,
            ip_address: None,
            port: None,
            will_topic: Some("last/words".into()),
            ..sample()
        };
        let value = serde_json::to_value(&away).unwrap();
        let object = value.as_object().unwrap();
        assert!(!object.contains_key("ip_address"));
        assert!(!object.contains_key("port"));
        assert_eq!(object["will_topic"], "last/words");
        assert_eq!(object["conn_state"], "disconnected");
    }

    #[test]
    fn conn_state_from_connected_alone() {
        let mut value = serde_json::to_value(sample()).unwrap();
        let object = value.as_object_mut().unwrap();
        object.remove("conn_state");
        object.insert("connected".into(), json!(false));
        let client: ClientInfo = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(client.conn_state, ConnState::Disconnected);
        value.as_object_mut().unwrap().remove("connected");
        assert!(serde_json::from_value::<ClientInfo>(value).is_err());
    }

    #[test]
    fn query_from_query_string() {
        let query: ClientQuery = serde_urlencoded::from_str(
            "clientid=c1&username=alice&conn_state=connected&clean_start=false\
             &proto_name=MQTT&proto_ver=4&_page=2&_limit=10",
        )
        .unwrap();
        assert_eq!(query.clientid.as_deref(), Some("c1"));
        assert_eq!(query.conn_state, Some(ConnState::Connected));
        assert_eq!(query.clean_start, Some(false));
        assert_eq!(query.proto_name, Some(ProtoName::Mqtt));
        assert_eq!(query.proto_ver, Some(4));
        assert_eq!(
            query.page_request(),
            Some(PageRequest { page: 2, limit: 10 })
        );
        assert!(query.matches(&sample()));
        let empty: ClientQuery = serde_urlencoded::from_str("").unwrap();
        assert_eq!(empty, ClientQuery::default());
        assert_eq!(empty.page_request(), None);
        assert!(empty.matches(&sample()));
    }

    #[test]
    fn query_client_id_alias() {
        let query: ClientQuery = serde_urlencoded::from_str("client_id=c1").unwrap();
        assert_eq!(query.clientid.as_deref(), Some("c1"));
        assert!(serde_urlencoded::from_str::<ClientQuery>("clientid=a&client_id=b").is_err());
    }

    #[test]
    fn query_rejects_unknown_keys_and_bad_values() {
        for bad in [
            "nosuch=1",
            "clientId=c1",
            "clean_start=yes",
            "proto_ver=five",
            "proto_ver=300",
            "conn_state=online",
            "proto_name=mqtt",
            "_page=0",
            "_page=x",
            "_limit=-1",
        ] {
            assert!(
                serde_urlencoded::from_str::<ClientQuery>(bad).is_err(),
                "{bad} was accepted"
            );
        }
    }

    #[test]
    fn query_from_json_strings() {
        let query: ClientQuery = serde_json::from_value(json!({
            "clean_start": Value::String("true".into()),
            "proto_ver": Value::String("5".into()),
            "_page": Value::String("2".into()),
            "conn_state": "idle",
        }))
        .unwrap();
        assert_eq!(query.clean_start, Some(true));
        assert_eq!(query.proto_ver, Some(5));
        assert_eq!(query.page, Some(2));
        assert_eq!(query.conn_state, Some(ConnState::Idle));
        assert!(!query.matches(&sample()), "idle matches nothing");
    }

    #[test]
    fn query_serializes_for_the_client_side() {
        let query = ClientQuery {
            clientid: Some("c 1".into()),
            clean_start: Some(true),
            page: Some(3),
            ..ClientQuery::default()
        };
        let text = serde_urlencoded::to_string(&query).unwrap();
        assert_eq!(text, "clientid=c+1&clean_start=true&_page=3");
        assert_eq!(
            serde_urlencoded::from_str::<ClientQuery>(&text).unwrap(),
            query
        );
    }

    #[test]
    fn filters_combine_with_and() {
        let query = ClientQuery {
            username: Some("alice".into()),
            proto_ver: Some(5),
            ..ClientQuery::default()
        };
        assert!(!query.matches(&sample()));
        let query = ClientQuery {
            username: Some("alice".into()),
            proto_ver: Some(4),
            ..ClientQuery::default()
        };
        assert!(query.matches(&sample()));
    }
}
