//! Deserializers for query-string values, which arrive as strings from a query string
//! (`proto_ver=5`) but natively from JSON (`"proto_ver": 5`): both are accepted, anything else
//! (`proto_ver=five`, `clean_start=yes`) is an error.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Unexpected, Visitor};

/// An optional unsigned integer given as a number or a decimal string.
pub(crate) fn opt_uint<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + FromStr,
{
    deserializer.deserialize_option(OptionOf(UintVisitor::<T>(PhantomData)))
}

/// An optional bool given as `true`/`false` natively or as a string.
pub(crate) fn opt_bool<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_option(OptionOf(BoolVisitor))
}

/// An optional page number or page size: an unsigned integer of at least 1.
pub(crate) fn opt_page_number<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: Deserializer<'de>,
{
    match opt_uint::<D, u64>(deserializer)? {
        Some(0) => Err(de::Error::invalid_value(
            Unexpected::Unsigned(0),
            &"an integer of at least 1",
        )),
        other => Ok(other),
    }
}

/// An optional QoS level: 0, 1 or 2.
pub(crate) fn opt_qos<'de, D>(deserializer: D) -> Result<Option<u8>, D::Error>
where
    D: Deserializer<'de>,
{
    match opt_uint::<D, u8>(deserializer)? {
        Some(qos) if qos > 2 => Err(de::Error::invalid_value(
            Unexpected::Unsigned(u64::from(qos)),
            &"a QoS of 0, 1 or 2",
        )),
        other => Ok(other),
    }
}

/// Turns a visitor of a value into one of an optional value.
struct OptionOf<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for OptionOf<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self.0).map(Some)
    }
}

struct UintVisitor<T>(PhantomData<T>);

impl<T: TryFrom<u64> + FromStr> Visitor<'_> for UintVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an unsigned integer, as a number or a decimal string")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        match u64::try_from(value) {
            Ok(unsigned) => self.visit_u64(unsigned),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        let parsed = if digits {
            value.parse::<T>().ok()
        } else {
            None
        };
        parsed.ok_or_else(|| E::invalid_value(Unexpected::Str(value), &self))
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true or false")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<bool, E> {
        match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(E::invalid_value(Unexpected::Str(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Probe {
        #[serde(default, deserialize_with = "super::opt_uint")]
        number: Option<u8>,
        #[serde(default, deserialize_with = "super::opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::opt_page_number")]
        page: Option<u64>,
        #[serde(default, deserialize_with = "super::opt_qos")]
        qos: Option<u8>,
    }

    fn from_query(query: &str) -> Result<Probe, serde_urlencoded::de::Error> {
        serde_urlencoded::from_str(query)
    }

    #[test]
    fn strings_from_a_query_string() {
        let probe = from_query("number=5&flag=true&page=2&qos=1").unwrap();
        assert_eq!(
            probe,
            Probe {
                number: Some(5),
                flag: Some(true),
                page: Some(2),
                qos: Some(1)
            }
        );
        let none = from_query("").unwrap();
        assert_eq!(none.number, None);
        assert_eq!(none.flag, None);
    }

    #[test]
    fn native_values_and_strings_from_json() {
        let native: Probe =
            serde_json::from_value(json!({"number": 5, "flag": false, "qos": 2})).unwrap();
        assert_eq!(
            (native.number, native.flag, native.qos),
            (Some(5), Some(false), Some(2))
        );
        let strings: Probe = serde_json::from_value(json!({
            "number": Value::String("7".into()),
            "flag": Value::String("false".into()),
        }))
        .unwrap();
        assert_eq!((strings.number, strings.flag), (Some(7), Some(false)));
        let null: Probe = serde_json::from_value(json!({"number": null})).unwrap();
        assert_eq!(null.number, None);
    }

    #[test]
    fn ill_typed_values_fail() {
        for bad in [
            "number=five",
            "number=-1",
            "number=+5",
            "number=",
            "number=256",
            "flag=yes",
            "flag=1",
            "page=0",
            "qos=3",
        ] {
            assert!(from_query(bad).is_err(), "{bad} was accepted");
        }
        assert!(serde_json::from_value::<Probe>(json!({"number": -3})).is_err());
        assert!(serde_json::from_value::<Probe>(json!({"number": 1.5})).is_err());
        assert!(serde_json::from_value::<Probe>(json!({"flag": 1})).is_err());
    }
}
