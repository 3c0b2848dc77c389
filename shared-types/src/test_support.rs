//! Helpers shared by the unit tests of this crate.

use serde_json::Value;

/// Asserts that every key of `expected` is in `actual` with an equal value, recursively through
/// objects (arrays are compared element by element, and must have the same length): the
/// document's examples omit fields that the contract adds.
pub(crate) fn assert_json_subset(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let Some(found) = have.get(key) else {
                    panic!("{path}.{key} is missing from {actual}");
                };
                assert_json_subset(value, found, &format!("{path}.{key}"));
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            assert_eq!(want.len(), have.len(), "length of {path}");
            for (index, (value, found)) in want.iter().zip(have).enumerate() {
                assert_json_subset(value, found, &format!("{path}[{index}]"));
            }
        }
        _ => assert_eq!(expected, actual, "value of {path}"),
    }
}
