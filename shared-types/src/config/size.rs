//! Sizes in the configuration: `max_memory = "512MB"` or a number of bytes, `0` meaning "no
//! limit" where a key says so.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::parse_size;

/// A number of bytes, written as an integer or as `512`, `64KB`, `10MB`, `1GB` (binary
/// multiples, case-insensitive). Shown back in the largest unit that divides it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// `n` mebibytes.
    pub const fn mib(n: u64) -> ByteSize {
        ByteSize(n << 20)
    }

    /// The size in bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }

    /// The size in bytes, `None` for 0 ("no limit").
    pub fn limit(self) -> Option<u64> {
        (self.0 != 0).then_some(self.0)
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0;
        for (shift, unit) in [(30, "GB"), (20, "MB"), (10, "KB")] {
            if n != 0 && n.is_multiple_of(1 << shift) {
                return write!(f, "{}{unit}", n >> shift);
            }
        }
        write!(f, "{n}")
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ByteSize, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Number(u64),
            Text(String),
        }
        match Given::deserialize(deserializer)? {
            Given::Number(n) => Ok(ByteSize(n)),
            Given::Text(text) => parse_size(&text).map(ByteSize).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{text}` is not a size (bytes, or a number with KB, MB or GB)"
                ))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_show() {
        #[derive(Deserialize, Serialize)]
        struct S {
            a: ByteSize,
            b: ByteSize,
            c: ByteSize,
        }
        let s: S = toml::from_str("a = \"64MB\"\nb = 1000\nc = \"1gb\"").unwrap();
        assert_eq!((s.a.0, s.b.0, s.c.0), (64 << 20, 1000, 1 << 30));
        assert_eq!(s.a.to_string(), "64MB");
        assert_eq!(ByteSize(1536).to_string(), "1536");
        assert_eq!(ByteSize(0).limit(), None);
        assert!(toml::from_str::<S>("a = \"lots\"\nb = 1\nc = 1").is_err());
        let json = serde_json::to_value(ByteSize::mib(2)).unwrap();
        assert_eq!(json, "2MB");
    }
}
