//! Everything printed on standard output: tables that fit the terminal (or `$COLUMNS`), count
//! lines ("3 clients", "no clients"), key/value views, and the JSON of `--output json`.
//!
//! Tables are borderless, with upper-case headers, as `kubectl` and `docker` print them. Colour
//! is used only when allowed and standard output is a terminal.

use std::io::{IsTerminal, Write};

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};
use serde_json::Value;

use crate::cli::OutputFormat;
use crate::error::CliError;

/// How to print.
#[derive(Debug, Clone)]
pub struct Output {
    /// The format asked for.
    pub format: OutputFormat,
    /// Whether colours may be used.
    color: bool,
    /// The width tables must fit in; None when not known (output piped, no `$COLUMNS`).
    width: Option<u16>,
}

impl Output {
    /// Output in `format`; colour only when `color` and standard output is a terminal; tables
    /// as wide as `columns` (the value of `$COLUMNS`) or the terminal.
    pub fn new(format: OutputFormat, color: bool, columns: Option<&str>) -> Output {
        let tty = std::io::stdout().is_terminal();
        let width = columns
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w > 0)
            .or_else(|| if tty { Table::new().width() } else { None })
            // A terminal that reports no size (a pty nobody sized, `script`) is not 0 wide.
            .filter(|w| *w > 0);
        Output {
            format,
            color: color && tty,
            width,
        }
    }

    /// Output for tests: no colour, a fixed width.
    #[cfg(test)]
    pub fn fixed(width: u16) -> Output {
        Output {
            format: OutputFormat::Table,
            color: false,
            width: Some(width),
        }
    }

    /// Whether `--output json` was asked for.
    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Refuses `--output toml` for a command that has no TOML form.
    pub fn no_toml(&self) -> Result<(), CliError> {
        if self.format == OutputFormat::Toml {
            return Err(CliError::Usage(
                "--output toml is only for `config get`; use json or table".to_string(),
            ));
        }
        Ok(())
    }

    /// An empty table with these column headers, styled and sized.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table.load_preset(NOTHING);
        if !self.color {
            table.force_no_tty();
        } else {
            table.enforce_styling();
        }
        match self.width {
            Some(width) => {
                table
                    .set_width(width)
                    .set_content_arrangement(ContentArrangement::Dynamic);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        if !header.is_empty() {
            table.set_header(header.iter().map(|h| self.bold(h)));
        }
        table
    }

    /// A two-column `KEY  VALUE` table without header.
    pub fn key_values<K: AsRef<str>>(&self, rows: impl IntoIterator<Item = (K, String)>) -> Table {
        let mut table = self.table(&[]);
        for (key, value) in rows {
            table.add_row(vec![self.bold(key.as_ref()), Cell::new(value)]);
        }
        table
    }

    /// A header cell.
    fn bold(&self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.color {
            cell.add_attribute(comfy_table::Attribute::Bold)
        } else {
            cell
        }
    }

    /// A cell coloured `color` when colours are on.
    pub fn colored(&self, text: impl ToString, color: Color) -> Cell {
        let cell = Cell::new(text);
        if self.color { cell.fg(color) } else { cell }
    }

    /// A right-aligned (numeric) cell.
    pub fn number(&self, value: impl ToString) -> Cell {
        Cell::new(value).set_alignment(CellAlignment::Right)
    }

    /// The table as text, without the blank edges of the borderless preset.
    pub fn render(&self, table: &Table) -> String {
        let mut text = String::new();
        for line in table.lines() {
            text.push_str(drop_leading_space(&line).trim_end());
            text.push('\n');
        }
        text
    }

    /// Prints a table, then the count line below it — or only "no …" when it has no rows.
    pub fn print_list(&self, table: &Table, count_line: &str) -> Result<(), CliError> {
        if table.row_count() == 0 {
            return self.print(&format!("{count_line}\n"));
        }
        self.print(&format!("{}{count_line}\n", self.render(table)))
    }

    /// Prints `value` as indented JSON.
    pub fn print_json(&self, value: &Value) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| CliError::Other(format!("cannot format JSON: {e}")))?;
        self.print(&format!("{text}\n"))
    }

    /// Writes `text` to standard output; a closed pipe (`| head`) is not an error.
    pub fn print(&self, text: &str) -> Result<(), CliError> {
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// The line without the first column's left padding: its first space, also when colour
/// escapes come before it (a bold header starts `ESC[1m` + space; stripping only a leading
/// space left the header one column right of the rows in a terminal).
fn drop_leading_space(line: &str) -> String {
    let mut escapes = 0;
    let bytes = line.as_bytes();
    while bytes.get(escapes) == Some(&0x1b) {
        match line[escapes..].find('m') {
            Some(end) => escapes += end + 1,
            None => break,
        }
    }
    if line[escapes..].starts_with(' ') {
        format!("{}{}", &line[..escapes], &line[escapes + 1..])
    } else {
        line.to_string()
    }
}

/// Adds `uptime_seconds` beside every `uptime` text (`"1 Hours, 2 minutes, 3 seconds"`) of
/// the objects in `value` (an object or an array of them), for `jq` users.
pub fn with_uptime_seconds(mut value: Value) -> Value {
    let add = |object: &mut serde_json::Map<String, Value>| {
        let seconds = object
            .get("uptime")
            .and_then(Value::as_str)
            .and_then(shared_types::parse_uptime);
        if let Some(seconds) = seconds {
            object.insert("uptime_seconds".into(), Value::from(seconds));
        }
    };
    match &mut value {
        Value::Array(items) => items
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .for_each(add),
        Value::Object(object) => add(object),
        _ => {}
    }
    value
}

/// "3 clients", "1 client", "no clients".
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    match n {
        0 => format!("no {plural}"),
        1 => format!("1 {singular}"),
        n => format!("{n} {plural}"),
    }
}

/// The count line of a list that may be one page of a longer one.
pub fn count_paged(
    shown: usize,
    meta: Option<&shared_types::PageMeta>,
    singular: &str,
    plural: &str,
) -> String {
    match meta {
        Some(meta) => {
            let more = if meta.hasnext {
                format!(", next: --page {}", meta.page + 1)
            } else {
                String::new()
            };
            format!(
                "{} (page {}, {} in all{more})",
                count(shown, singular, plural),
                meta.page,
                meta.count
            )
        }
        None => count(shown, singular, plural),
    }
}

/// A JSON value as a table cell: strings bare, `null` as `-`, the rest as compact JSON.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "-".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coloured_headers_line_up_with_their_rows() {
        let out = Output {
            format: OutputFormat::Table,
            color: true,
            width: Some(80),
        };
        let mut table = out.table(&["NAME", "STATE"]);
        table.add_row(vec![Cell::new("alpha"), out.colored("up", Color::Green)]);
        let text = out.render(&table);
        let plain: Vec<String> = text
            .lines()
            .map(|line| {
                // Without the colour escapes, as the terminal shows it.
                let mut shown = String::new();
                let mut rest = line;
                while let Some(at) = rest.find('\x1b') {
                    shown.push_str(&rest[..at]);
                    rest = rest[at..].split_once('m').map_or("", |(_, after)| after);
                }
                shown.push_str(rest);
                shown
            })
            .collect();
        assert!(plain[0].starts_with("NAME"), "{plain:?}");
        assert!(plain[1].starts_with("alpha"), "{plain:?}");
        assert_eq!(plain[0].find("STATE"), plain[1].find("up"), "{plain:?}");
        assert_eq!(drop_leading_space(" x"), "x");
        assert_eq!(drop_leading_space("\x1b[1m x"), "\x1b[1mx");
    }

    #[test]
    fn counts() {
        assert_eq!(count(0, "client", "clients"), "no clients");
        assert_eq!(count(1, "client", "clients"), "1 client");
        assert_eq!(count(3, "client", "clients"), "3 clients");
        let meta = shared_types::PageMeta {
            page: 1,
            limit: 2,
            count: 5,
            hasnext: true,
        };
        assert_eq!(
            count_paged(2, Some(&meta), "client", "clients"),
            "2 clients (page 1, 5 in all, next: --page 2)"
        );
    }

    #[test]
    fn borderless_tables() {
        let out = Output::fixed(60);
        let mut table = out.table(&["NAME", "VALUE"]);
        table.add_row(vec!["a", "1"]);
        table.add_row(vec!["bcd", "22"]);
        assert_eq!(out.render(&table), "NAME  VALUE\na     1\nbcd   22\n");
    }

    #[test]
    fn wide_tables_wrap_to_fit() {
        let out = Output::fixed(30);
        let mut table = out.table(&["TOPIC", "CLIENT"]);
        table.add_row(vec!["a/very/long/topic/name/here", "client-1"]);
        let text = out.render(&table);
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
    }
}
