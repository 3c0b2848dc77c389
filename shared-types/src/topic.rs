//! MQTT topic-name and topic-filter rules (MQTT 5.0 §4.7), for the configuration's bridge topics
//! and the publish API: the codec's, so that every entry point validates topics the same way.

pub use nanomq_codec::{MAX_TOPIC_LEN, TopicError, validate_topic_filter, validate_topic_name};

/// The filter a shared subscription's `$share/GROUP/FILTER` matches topics with (the filter
/// itself for any other).
pub fn without_share(filter: &str) -> &str {
    filter
        .strip_prefix("$share/")
        .and_then(|rest| rest.split_once('/'))
        .map_or(filter, |(_, inner)| inner)
}

/// Whether topic name `topic` matches topic filter `filter` (MQTT 5.0 §4.7: `+` one level,
/// `#` the rest, including the parent level; a filter starting with a wildcard does not match
/// a topic starting with `$`).
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    let filter = without_share(filter);
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut levels = topic.split('/');
    for wanted in filter.split('/') {
        match wanted {
            "#" => return true,
            "+" => {
                if levels.next().is_none() {
                    return false;
                }
            }
            literal => {
                if levels.next() != Some(literal) {
                    return false;
                }
            }
        }
    }
    levels.next().is_none()
}

/// How a bridge rule renames a topic on its way across (NanoMQ's `local_topic` /
/// `remote_topic`, `prefix` and `suffix`, with its meanings):
///
/// - `target` empty: the topic is kept as it is.
/// - `target` without wildcards: every topic the rule's filter matches becomes `target`.
/// - `target` with wildcards: an anchor inside the rule's filter (`filter = "a/b/#"`,
///   `target = "b/#"`): the levels of the topic before the anchor are dropped (`a/b/c/d` →
///   `b/c/d`); when the anchor does not end the filter, only as many levels as the anchor has
///   are kept (`a/+/c` with `+`: `a/x/c` → `x`).
/// - then `prefix` and `suffix` are joined to it as they are (no `/` added).
///
/// NanoMQ crashes on an anchor that is not part of the filter; [`TopicRewrite::new`] refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRewrite {
    kind: RewriteKind,
    prefix: String,
    suffix: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RewriteKind {
    Keep,
    Replace(String),
    /// Drop `skip` leading levels, then keep `keep` levels (all when `None`).
    Strip {
        skip: usize,
        keep: Option<usize>,
    },
}

impl TopicRewrite {
    /// The rewrite of a rule matching `filter`; the error says what is wrong with `target`,
    /// `prefix` or `suffix`.
    pub fn new(
        filter: &str,
        target: &str,
        prefix: &str,
        suffix: &str,
    ) -> Result<TopicRewrite, String> {
        let filter = without_share(filter);
        for (name, text) in [("prefix", prefix), ("suffix", suffix)] {
            if text.contains(['+', '#']) {
                return Err(format!("{name} `{text}` must not contain `+` or `#`"));
            }
        }
        let kind = if target.is_empty() {
            RewriteKind::Keep
        } else if !target.contains(['+', '#']) {
            RewriteKind::Replace(target.to_string())
        } else {
            validate_topic_filter(target)
                .map_err(|e| format!("`{target}` is not a valid topic filter: {e}"))?;
            let at = filter
                .match_indices(target)
                .map(|(at, _)| at)
                .find(|&at| {
                    let end = at + target.len();
                    (at == 0 || filter.as_bytes()[at - 1] == b'/')
                        && (end == filter.len() || filter.as_bytes()[end] == b'/')
                })
                .ok_or_else(|| {
                    format!(
                        "`{target}` has wildcards, so it must be whole levels of the filter `{filter}` (the levels kept)"
                    )
                })?;
            let skip = filter[..at].matches('/').count();
            let keep = (at + target.len() != filter.len()).then(|| target.matches('/').count() + 1);
            RewriteKind::Strip { skip, keep }
        };
        Ok(TopicRewrite {
            kind,
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
        })
    }

    /// Whether every topic comes out as it went in.
    pub fn is_identity(&self) -> bool {
        self.kind == RewriteKind::Keep && self.prefix.is_empty() && self.suffix.is_empty()
    }

    /// The new name of `topic` (one the rule's filter matched); `None` when it would be empty.
    pub fn apply(&self, topic: &str) -> Option<String> {
        let middle = match &self.kind {
            RewriteKind::Keep => topic,
            RewriteKind::Replace(target) => target.as_str(),
            RewriteKind::Strip { skip, keep } => {
                let mut rest = topic;
                for _ in 0..*skip {
                    rest = rest.split_once('/').map_or("", |(_, after)| after);
                }
                match keep {
                    None => rest,
                    Some(levels) => {
                        let end = rest
                            .match_indices('/')
                            .nth(levels - 1)
                            .map_or(rest.len(), |(at, _)| at);
                        &rest[..end]
                    }
                }
            }
        };
        let renamed = [self.prefix.as_str(), middle, self.suffix.as_str()].concat();
        (!renamed.is_empty()).then_some(renamed)
    }
}

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

    fn rewrite(
        filter: &str,
        target: &str,
        prefix: &str,
        suffix: &str,
        topic: &str,
    ) -> Option<String> {
        TopicRewrite::new(filter, target, prefix, suffix)
            .unwrap()
            .apply(topic)
    }

    #[test]
    fn rewrites_as_nanomq_does() {
        assert_eq!(rewrite("a/#", "", "", "", "a/b").as_deref(), Some("a/b"));
        assert_eq!(
            rewrite("sensor/#", "up", "", "", "sensor/1/t").as_deref(),
            Some("up")
        );
        assert_eq!(
            rewrite("a/b/#", "b/#", "", "", "a/b/c/d").as_deref(),
            Some("b/c/d")
        );
        assert_eq!(rewrite("a/+/c", "+", "", "", "a/x/c").as_deref(), Some("x"));
        assert_eq!(rewrite("#", "#", "", "", "x/y").as_deref(), Some("x/y"));
        assert_eq!(
            rewrite("+/nanomq/#", "#", "", "", "cmd/nanomq/hello/world").as_deref(),
            Some("hello/world")
        );
        assert_eq!(
            rewrite("a/#", "", "site1/", "/v1", "a/b").as_deref(),
            Some("site1/a/b/v1")
        );
        assert_eq!(rewrite("a/b/#", "b/#", "", "", "a/b").as_deref(), Some("b"));
        assert!(TopicRewrite::new("a/#", "", "", "").unwrap().is_identity());
    }

    #[test]
    fn refuses_what_nanomq_would_crash_on() {
        assert!(
            TopicRewrite::new("a/#", "x/#", "", "").is_err(),
            "not part of the filter"
        );
        assert!(
            TopicRewrite::new("ab/#", "b/#", "", "").is_err(),
            "not whole levels"
        );
        assert!(TopicRewrite::new("a/#", "", "+/", "").is_err());
        assert!(TopicRewrite::new("a/#", "", "", "#").is_err());
    }

    #[test]
    fn filters_match_topics() {
        assert!(topic_matches("a/#", "a"));
        assert!(topic_matches("a/#", "a/b/c"));
        assert!(topic_matches("a/+/c", "a/b/c"));
        assert!(!topic_matches("a/+", "a/b/c"));
        assert!(!topic_matches("a/b", "a"));
        assert!(topic_matches("#", "x"));
        assert!(!topic_matches("#", "$SYS/x"));
        assert!(!topic_matches("+/x", "$SYS/x"));
        assert!(topic_matches("$SYS/#", "$SYS/x"));
        assert!(
            topic_matches("$share/g/a/#", "a/b"),
            "a shared filter matches as its filter"
        );
        assert_eq!(
            TopicRewrite::new("$share/g/a/b/#", "b/#", "", "")
                .unwrap()
                .apply("a/b/c")
                .as_deref(),
            Some("b/c")
        );
    }
}
