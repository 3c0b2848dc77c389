//! `GET /api/v4/topic-tree`: the subscription tree, one array per level.

use serde::{Deserialize, Serialize};

/// One node of the topic tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicTreeNode {
    /// This level's topic segment (`""` for the root).
    pub topic: String,
    /// The number of child nodes.
    pub cld_cnt: u64,
    /// The clients subscribed at this node; omitted when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientid: Option<Vec<String>>,
}

/// The `data` of `GET /topic-tree`: the nodes level by level, root level first.
pub type TopicTree = Vec<Vec<TopicTreeNode>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ApiResponse;
    use serde_json::Value;

    const EXAMPLE: &str = r#"{"code":0,"data":[[{"topic":"","cld_cnt":1}],[{"topic":"topic123","cld_cnt":1,"clientid":["nanomq-3a4a0956"]}],[{"topic":"123","cld_cnt":1,"clientid":["nanomq-0cfd69bb"]}],[{"topic":"456","cld_cnt":0,"clientid":["nanomq-26971dc8"]}]]}"#;

    #[test]
    fn document_example_round_trips() {
        let response: ApiResponse<TopicTree> = serde_json::from_str(EXAMPLE).unwrap();
        let tree = response.data.as_ref().unwrap();
        assert_eq!(tree.len(), 4);
        assert_eq!(tree[0][0].topic, "");
        assert_eq!(tree[0][0].clientid, None);
        assert_eq!(tree[1][0].cld_cnt, 1);
        assert_eq!(
            tree[3][0].clientid.as_deref(),
            Some(&["nanomq-26971dc8".to_string()][..])
        );
        let again = serde_json::to_value(&response).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(EXAMPLE).unwrap());
    }
}
