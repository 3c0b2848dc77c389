//! `GET /api/v4/subscriptions[/{clientid}]`: the subscription object and the list filters.

use serde::{Deserialize, Serialize};

use crate::envelope::PageRequest;
use crate::lenient;

/// One subscription of one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The subscribing client.
    pub clientid: String,
    /// The topic filter.
    pub topic: String,
    /// The granted QoS.
    pub qos: u8,
    /// The share group of a shared subscription; omitted otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
}

/// The query-string filters of `GET /subscriptions`, combined with AND; an unknown key is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionQuery {
    /// Exact client identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientid: Option<String>,
    /// Exact topic filter string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// QoS: 0, 1 or 2.
    #[serde(
        default,
        deserialize_with = "lenient::opt_qos",
        skip_serializing_if = "Option::is_none"
    )]
    pub qos: Option<u8>,
    /// Share group name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
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

impl SubscriptionQuery {
    /// Whether the subscription passes every filter given (paging aside).
    pub fn matches(&self, subscription: &Subscription) -> bool {
        self.clientid
            .as_ref()
            .is_none_or(|id| *id == subscription.clientid)
            && self.topic.as_ref().is_none_or(|t| *t == subscription.topic)
            && self.qos.is_none_or(|q| q == subscription.qos)
            && self
                .share
                .as_ref()
                .is_none_or(|group| subscription.share.as_ref() == Some(group))
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
    use serde_json::{Value, json};

    const LIST: &str = r#"{"code":0,"data":[{"clientid":"nanomq-29978ec1","topic":"topic123","qos":2},{"clientid":"nanomq-3020ffac","topic":"topic123","qos":2}]}"#;
    const OF_CLIENT: &str = r#"{"data":[{"topic":"a/b/c","qos":1,"clientid":"123"}],"code":0}"#;

    fn round_trip(example: &str) -> Vec<Subscription> {
        let response: ApiResponse<Vec<Subscription>> = serde_json::from_str(example).unwrap();
        let again = serde_json::to_value(&response).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(example).unwrap());
        response.data.unwrap()
    }

    #[test]
    fn list_example_round_trips() {
        let subscriptions = round_trip(LIST);
        assert_eq!(subscriptions.len(), 2);
        assert_eq!(subscriptions[1].clientid, "nanomq-3020ffac");
        assert_eq!(subscriptions[1].topic, "topic123");
        assert_eq!(subscriptions[1].qos, 2);
        assert_eq!(subscriptions[1].share, None);
    }

    #[test]
    fn client_example_in_another_order_round_trips() {
        let subscriptions = round_trip(OF_CLIENT);
        assert_eq!(
            subscriptions,
            vec![Subscription {
                clientid: "123".into(),
                topic: "a/b/c".into(),
                qos: 1,
                share: None
            }]
        );
    }

    #[test]
    fn share_only_when_shared() {
        let shared = Subscription {
            clientid: "c".into(),
            topic: "t/#".into(),
            qos: 0,
            share: Some("g".into()),
        };
        assert_eq!(
            serde_json::to_value(&shared).unwrap(),
            json!({"clientid": "c", "topic": "t/#", "qos": 0, "share": "g"})
        );
        let query: SubscriptionQuery = serde_urlencoded::from_str("share=g&qos=0").unwrap();
        assert!(query.matches(&shared));
        let unshared = Subscription {
            share: None,
            ..shared
        };
        assert!(!query.matches(&unshared));
    }

    #[test]
    fn query_from_query_string() {
        let query: SubscriptionQuery =
            serde_urlencoded::from_str("clientid=c&topic=a%2F%2B&qos=1&_page=1&_limit=50").unwrap();
        assert_eq!(query.topic.as_deref(), Some("a/+"));
        assert_eq!(query.qos, Some(1));
        assert_eq!(
            query.page_request(),
            Some(PageRequest { page: 1, limit: 50 })
        );
        let subscription = Subscription {
            clientid: "c".into(),
            topic: "a/+".into(),
            qos: 1,
            share: None,
        };
        assert!(query.matches(&subscription));
        let other_qos = Subscription {
            qos: 2,
            ..subscription
        };
        assert!(!query.matches(&other_qos));
    }

    #[test]
    fn query_rejects_unknown_keys_and_bad_values() {
        for bad in [
            "qos=3",
            "qos=x",
            "qos=-1",
            "client_id=c",
            "foo=bar",
            "_limit=0",
        ] {
            assert!(
                serde_urlencoded::from_str::<SubscriptionQuery>(bad).is_err(),
                "{bad} was accepted"
            );
        }
        let strings: SubscriptionQuery =
            serde_json::from_value(json!({"qos": Value::String("2".into())})).unwrap();
        assert_eq!(strings.qos, Some(2));
    }
}
