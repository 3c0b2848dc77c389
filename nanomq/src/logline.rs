//! How a text log line shows its fields: every control character (newline, carriage return,
//! escape, …) written as a visible escape (`\n`, `\u{1b}`), never raw. A client id, a username
//! or a topic comes from the client: raw, a newline in one would forge a whole log line and an
//! escape sequence would rewrite the operator's terminal. (String fields logged with `?` are
//! already quoted and escaped by `Debug`; this covers `%` fields and the message. JSON logs
//! quote every string themselves.)

use std::fmt;

use tracing::field::Field;
use tracing_subscriber::field::MakeExt;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::{Writer, debug_fn};

/// The field formatter of the text log: `name=value`, space separated, the message first and
/// bare, control characters escaped.
pub fn escaped_fields() -> impl for<'w> FormatFields<'w> + Send + Sync + 'static {
    debug_fn(
        |writer: &mut Writer<'_>, field: &Field, value: &dyn fmt::Debug| {
            let text = format!("{value:?}");
            if field.name() != "message" {
                write!(writer, "{}=", field.name())?;
            }
            write_escaped(writer, &text)
        },
    )
    .delimited(" ")
}

/// Writes `text` with every control character escaped.
fn write_escaped(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(out, "{}", c.escape_default())?;
        } else {
            out.write_char(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn control_characters_from_clients_are_escaped() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .fmt_fields(escaped_fields());
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let client_id = "evil\n2026-01-01T00:00:00Z  INFO forged line\x1b[2J";
            let topic = "a/\r/b";
            tracing::warn!(client_id = %client_id, topic, n = 3, "denied");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains(r"client_id=evil\n2026"), "{text}");
        assert!(text.contains(r"\u{1b}[2J"), "{text}");
        assert!(text.contains(r#"topic="a/\r/b""#), "{text}");
        assert!(text.contains("denied client_id="), "{text}");
        assert!(text.contains(" n=3"), "{text}");
    }
}
