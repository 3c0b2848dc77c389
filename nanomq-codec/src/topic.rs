//! Topic name and topic filter syntax (MQTT 5.0 §4.7, shared subscriptions §4.8.2): the one
//! definition of a valid topic, used by the decoder, the broker's HTTP API and the
//! configuration (through `shared-types`). The broker adds its own limits (`max_topic_levels`,
//! the `$SYS/` reservation) in one place too, `broker::publish` and `broker::subscribe`.

/// The prefix that marks a shared subscription's topic filter.
pub const SHARED_PREFIX: &str = "$share/";
/// The longest topic name or filter an MQTT packet can carry, in bytes.
pub const MAX_TOPIC_LEN: usize = 65_535;

/// Why a string is not a valid topic name or topic filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// Topic names and filters must be at least one character long [MQTT-4.7.3-1].
    #[error("empty topic")]
    Empty,
    /// Longer than an MQTT packet can carry (a topic from outside a packet: the API, the
    /// configuration).
    #[error("longer than 65535 bytes")]
    TooLong,
    /// U+0000 is not allowed in a topic [MQTT-4.7.3-2].
    #[error("topic contains U+0000")]
    NullCharacter,
    /// A topic name must not contain `+` or `#` [MQTT-3.3.2-2].
    #[error("wildcard in a topic name")]
    WildcardInName,
    /// `#` must be a whole level and the last one [MQTT-4.7.1-1].
    #[error("'#' is not the whole last level")]
    MisplacedMultiLevelWildcard,
    /// `+` must occupy a whole level [MQTT-4.7.1-2].
    #[error("'+' does not occupy a whole level")]
    MisplacedSingleLevelWildcard,
    /// A share name must be non-empty and free of `+`, `#` and `/` [MQTT-4.8.2-1], [MQTT-4.8.2-2].
    #[error("invalid share name")]
    InvalidShareName,
    /// A shared subscription needs a topic filter after its share name [MQTT-4.8.2-2].
    #[error("shared subscription without a topic filter")]
    MissingSharedFilter,
}

/// Checks that `name` can be published to: non-empty, no wildcards, no U+0000.
pub fn validate_topic_name(name: &str) -> Result<(), TopicError> {
    if name.is_empty() {
        return Err(TopicError::Empty);
    }
    if name.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong);
    }
    for byte in name.bytes() {
        match byte {
            b'+' | b'#' => return Err(TopicError::WildcardInName),
            0 => return Err(TopicError::NullCharacter),
            _ => {}
        }
    }
    Ok(())
}

/// Checks that `filter` can be subscribed to, including the `$share/{group}/{filter}` form.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    if filter.is_empty() {
        return Err(TopicError::Empty);
    }
    if filter.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong);
    }
    if filter.as_bytes().contains(&0) {
        return Err(TopicError::NullCharacter);
    }
    let Some(shared) = filter.strip_prefix(SHARED_PREFIX) else {
        return validate_levels(filter);
    };
    let (group, inner) = shared
        .split_once('/')
        .ok_or(TopicError::MissingSharedFilter)?;
    if group.is_empty() || group.contains(['+', '#']) {
        return Err(TopicError::InvalidShareName);
    }
    if inner.is_empty() {
        return Err(TopicError::MissingSharedFilter);
    }
    validate_levels(inner)
}

/// Whether `topic` (a topic name, or the filter part of a subscription) has more than
/// `max_levels` levels. Counts without allocating and stops at the first level too many.
pub fn exceeds_levels(topic: &str, max_levels: usize) -> bool {
    // A topic has one level more than it has separators, so one shorter than the limit
    // cannot exceed it: the usual case costs a comparison.
    topic.len() >= max_levels && topic.split('/').nth(max_levels).is_some()
}

/// Whether `filter` is a shared subscription (`$share/...`).
pub fn is_shared_filter(filter: &str) -> bool {
    filter.starts_with(SHARED_PREFIX)
}

fn validate_levels(filter: &str) -> Result<(), TopicError> {
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        match level {
            "+" => {}
            "#" if levels.peek().is_none() => {}
            _ if level.contains('#') => return Err(TopicError::MisplacedMultiLevelWildcard),
            _ if level.contains('+') => return Err(TopicError::MisplacedSingleLevelWildcard),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names() {
        assert_eq!(validate_topic_name("a/b/c"), Ok(()));
        assert_eq!(validate_topic_name("/"), Ok(()));
        assert_eq!(validate_topic_name("$SYS/x"), Ok(()));
        assert_eq!(validate_topic_name(""), Err(TopicError::Empty));
        assert_eq!(validate_topic_name("a/+"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("#"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a\0b"), Err(TopicError::NullCharacter));
    }

    #[test]
    fn levels_are_counted_with_empty_ones() {
        assert!(!exceeds_levels("a/b/c", 3));
        assert!(exceeds_levels("a/b/c", 2));
        assert!(!exceeds_levels("/", 2));
        assert!(exceeds_levels("//", 2));
        assert!(exceeds_levels(&"/".repeat(32_767), 128));
        assert!(exceeds_levels(&"/".repeat(128), 128));
        assert!(!exceeds_levels(&"/".repeat(127), 128));
        assert!(!exceeds_levels(&"a".repeat(500), 128));
    }

    #[test]
    fn topic_filters() {
        for ok in [
            "#",
            "+",
            "a/#",
            "+/+",
            "/+",
            "a//b",
            "a/+/c/#",
            "$share",
            "$share/g/#",
        ] {
            assert_eq!(validate_topic_filter(ok), Ok(()), "{ok}");
        }
        let bad = [
            ("", TopicError::Empty),
            ("a\0", TopicError::NullCharacter),
            ("a/#/b", TopicError::MisplacedMultiLevelWildcard),
            ("a#", TopicError::MisplacedMultiLevelWildcard),
            ("a/b+", TopicError::MisplacedSingleLevelWildcard),
            ("++", TopicError::MisplacedSingleLevelWildcard),
            ("$share/", TopicError::MissingSharedFilter),
            ("$share/g", TopicError::MissingSharedFilter),
            ("$share/g/", TopicError::MissingSharedFilter),
            ("$share//a", TopicError::InvalidShareName),
            ("$share/g+/a", TopicError::InvalidShareName),
            ("$share/#/a", TopicError::InvalidShareName),
            ("$share/g/a/#/b", TopicError::MisplacedMultiLevelWildcard),
        ];
        for (filter, error) in bad {
            assert_eq!(validate_topic_filter(filter), Err(error), "{filter}");
        }
        assert!(is_shared_filter("$share/g/a"));
        assert!(!is_shared_filter("$shared/g/a"));
    }
}
