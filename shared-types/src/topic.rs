//! MQTT topic-name and topic-filter rules (MQTT 5.0 §4.7), for the configuration's bridge topics
//! and the publish API: the codec's, so that every entry point validates topics the same way.

pub use nanomq_codec::{MAX_TOPIC_LEN, TopicError, validate_topic_filter, validate_topic_name};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_filters() {
        for filter in [
            "a",
            "a/b",
            "#",
            "+",
            "a/#",
            "+/b/+",
            "a//b",
            "/",
            "$SYS/#",
            "$share/g/t/+",
        ] {
            assert_eq!(validate_topic_filter(filter), Ok(()), "{filter}");
        }
    }

    #[test]
    fn invalid_filters() {
        for filter in ["", "a/#/b", "a#", "#/a", "a/b#", "a+", "a/+b", "a/\0"] {
            assert!(validate_topic_filter(filter).is_err(), "{filter}");
        }
        assert!(validate_topic_filter(&"a".repeat(MAX_TOPIC_LEN + 1)).is_err());
    }

    #[test]
    fn topic_names() {
        assert_eq!(validate_topic_name("a/b"), Ok(()));
        assert!(validate_topic_name("a/+").is_err());
        assert!(validate_topic_name("#").is_err());
        assert!(validate_topic_name("").is_err());
    }
}
