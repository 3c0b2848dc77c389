//! `GET /api/v4`: the list of routes the server really serves.

use serde::{Deserialize, Serialize};

/// One route of the API, as listed by `GET /api/v4`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// The path below `/api/v4`, e.g. `/clients/:clientid`.
    pub path: String,
    /// A stable machine name, e.g. `lookup_client`.
    pub name: String,
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// A one-line description.
    pub descr: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ApiResponse;

    const EXAMPLE: &str = r#"{"code":0,"data":[{"path":"/brokers/","name":"list_brokers","method":"GET","descr":"A list of brokers in the cluster"},{"path":"/nodes/","name":"list_nodes","method":"GET","descr":"A list of nodes in the cluster"},{"path":"/clients/","name":"list_clients","method":"GET","descr":"A list of clients on current node"},{"path":"/clients/:clientid","name":"lookup_client","method":"GET","descr":"Lookup a client in the cluster"},{"path":"/clients/username/:username","name":"lookup_client_via_username","method":"GET","descr":"Lookup a client via username in the cluster"},{"path":"/subscriptions/","name":"list_subscriptions","method":"GET","descr":"A list of subscriptions in the cluster"},{"path":"/subscriptions/:clientid","name":"lookup_client_subscriptions","method":"GET","descr":"A list of subscriptions of a client"},{"path":"/topic-tree/","name":"list_topic-tree","method":"GET","descr":"A list of topic-tree in the cluster"},{"path":"/configuration/","name":"get_broker_configuration","method":"GET","descr":"show broker configuration"},{"path":"/configuration/","name":"set_broker_configuration","method":"POST","descr":"set broker configuration"},{"path":"/ctrl/:action","name":"ctrl_broker","method":"POST","descr":"Control broker stop or restart"}]}"#;

    #[test]
    fn document_example_round_trips() {
        let response: ApiResponse<Vec<Endpoint>> = serde_json::from_str(EXAMPLE).unwrap();
        let endpoints = response.data.as_ref().unwrap();
        assert_eq!(endpoints.len(), 11);
        assert_eq!(endpoints[3].path, "/clients/:clientid");
        assert_eq!(endpoints[3].name, "lookup_client");
        assert_eq!(endpoints[9].method, "POST");
        let again = serde_json::to_value(&response).unwrap();
        let original: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(again, original);
    }
}
