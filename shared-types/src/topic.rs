//! MQTT topic-name and topic-filter rules (MQTT 5.0 §4.7), for the configuration's bridge topics
//! and the publish API.

/// The longest topic an MQTT packet can carry, in bytes.
pub const MAX_TOPIC_LEN: usize = 65_535;

/// Checks a topic filter: non-empty, `#` only as the whole last level, `+` only as a whole level.
pub fn validate_topic_filter(filter: &str) -> Result<(), &'static str> {
    check_common(filter)?;
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err("`#` may only be the whole last level");
        }
        if level.contains('+') && level != "+" {
            return Err("`+` may only be a whole level");
        }
    }
    Ok(())
}

/// Checks a topic name to publish to: non-empty and without wildcards.
pub fn validate_topic_name(name: &str) -> Result<(), &'static str> {
    check_common(name)?;
    if name.contains(['+', '#']) {
        return Err("a topic name may not contain `+` or `#`");
    }
    Ok(())
}

fn check_common(topic: &str) -> Result<(), &'static str> {
    if topic.is_empty() {
        return Err("must not be empty");
    }
    if topic.len() > MAX_TOPIC_LEN {
        return Err("longer than 65535 bytes");
    }
    if topic.contains('\0') {
        return Err("must not contain NUL");
    }
    Ok(())
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
}
