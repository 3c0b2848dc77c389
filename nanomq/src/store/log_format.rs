//! The bytes of the store's log: a sequence of entries, each checksummed on its own, so that
//! damage (a flipped bit, a torn or cut tail) costs only the entries it touches.
//!
//! An entry: `magic u16 | kind u8 | table u8 | key length u32 | value length u32 | crc32 u32 |
//! key | value`, integers little-endian, the CRC-32 over everything but itself. A transaction
//! is its entries followed by a `Commit` entry. Reading resynchronises after damage by looking
//! for the next magic whose entry checks out.

use super::engine::Table;

/// The first bytes of every entry.
pub const MAGIC: u16 = 0xA55A;
/// Bytes of an entry's header.
pub const HEADER: usize = 16;
/// The largest key or value an entry may carry (what an MQTT packet could hold, and more).
pub const MAX_FIELD: usize = 512 << 20;

/// What an entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Sets `key` to `value`.
    Put = 1,
    /// Removes `key`.
    Remove = 2,
    /// Removes every key starting with `key`.
    RemovePrefix = 3,
    /// Ends a transaction: the entries since the last one are committed together.
    Commit = 4,
}

impl Kind {
    fn from_byte(byte: u8) -> Option<Kind> {
        Some(match byte {
            1 => Kind::Put,
            2 => Kind::Remove,
            3 => Kind::RemovePrefix,
            4 => Kind::Commit,
            _ => return None,
        })
    }
}

fn table_byte(table: Table) -> u8 {
    Table::ALL.iter().position(|t| *t == table).unwrap_or(0) as u8
}

fn table_of(byte: u8) -> Option<Table> {
    Table::ALL.get(usize::from(byte)).copied()
}

/// Appends an entry to `out`.
pub fn encode(out: &mut Vec<u8>, kind: Kind, table: Table, key: &[u8], value: &[u8]) {
    let start = out.len();
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.push(kind as u8);
    out.push(table_byte(table));
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(&(value.len() as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(key);
    out.extend_from_slice(value);
    let crc = checksum(&out[start..]);
    out[start + 12..start + 16].copy_from_slice(&crc.to_le_bytes());
}

/// The CRC-32 of an entry, its own checksum field counted as zeros.
fn checksum(entry: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&entry[..12]);
    hasher.update(&[0; 4]);
    hasher.update(&entry[HEADER..]);
    hasher.finalize()
}

/// One entry read back; `value_at` is where its value starts in the log.
#[derive(Debug)]
pub struct Entry<'a> {
    /// What it does.
    pub kind: Kind,
    /// The table it is about.
    pub table: Table,
    /// Its key.
    pub key: &'a [u8],
    /// Its value.
    pub value: &'a [u8],
    /// The offset of its value in the log.
    pub value_at: u64,
}

/// What reading a log found, entry by entry.
#[derive(Debug)]
pub enum Read<'a> {
    /// A whole entry that checks out; the next one starts at `next`.
    Entry(Entry<'a>, usize),
    /// Bytes that are no entry (damage), up to `next`, where the next good entry starts
    /// (or the end).
    Damaged(usize),
    /// The log ends in an entry cut short: nothing more to read.
    Truncated,
}

/// Reads the entry at `at` in `log` (whose first byte is at offset `base` in the file).
pub fn read_at(log: &[u8], at: usize, base: u64) -> Read<'_> {
    match entry_at(log, at, base) {
        Some(Ok((entry, next))) => Read::Entry(entry, next),
        Some(Err(())) => Read::Damaged(resync(log, at + 1, base)),
        None => {
            // Not enough bytes for what the header says: a torn tail, unless a good entry
            // follows (then the header was damaged).
            let next = resync(log, at + 1, base);
            if next < log.len() {
                Read::Damaged(next)
            } else {
                Read::Truncated
            }
        }
    }
}

/// The entry at `at`: `None` when the log ends before it does, `Some(Err)` when it does not
/// check out.
#[allow(clippy::type_complexity)]
fn entry_at(log: &[u8], at: usize, base: u64) -> Option<Result<(Entry<'_>, usize), ()>> {
    let header = log.get(at..at + HEADER)?;
    let u32_at =
        |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    if u16::from_le_bytes([header[0], header[1]]) != MAGIC {
        return Some(Err(()));
    }
    let (Some(kind), Some(table)) = (Kind::from_byte(header[2]), table_of(header[3])) else {
        return Some(Err(()));
    };
    let key_len = u32_at(4) as usize;
    let value_len = u32_at(8) as usize;
    if key_len > MAX_FIELD || value_len > MAX_FIELD {
        return Some(Err(()));
    }
    let end = at + HEADER + key_len + value_len;
    let whole = log.get(at..end)?;
    if checksum(whole) != u32_at(12) {
        return Some(Err(()));
    }
    let key = &whole[HEADER..HEADER + key_len];
    let value = &whole[HEADER + key_len..];
    let value_at = base + (at + HEADER + key_len) as u64;
    Some(Ok((
        Entry {
            kind,
            table,
            key,
            value,
            value_at,
        },
        end,
    )))
}

/// The offset of the next entry that checks out at or after `from`, or the end of `log`.
fn resync(log: &[u8], from: usize, base: u64) -> usize {
    let magic = MAGIC.to_le_bytes();
    let mut at = from;
    while at + 1 < log.len() {
        if log[at] == magic[0]
            && log[at + 1] == magic[1]
            && matches!(entry_at(log, at, base), Some(Ok(_)))
        {
            return at;
        }
        at += 1;
    }
    log.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> Vec<u8> {
        let mut out = Vec::new();
        encode(&mut out, Kind::Put, Table::Retained, b"a", b"one");
        encode(&mut out, Kind::Put, Table::Sessions, b"bb", b"two");
        encode(&mut out, Kind::Commit, Table::Messages, b"", b"");
        out
    }

    fn kinds(log: &[u8]) -> (Vec<Kind>, usize) {
        let (mut kinds, mut damaged, mut at) = (Vec::new(), 0, 0);
        while at < log.len() {
            match read_at(log, at, 0) {
                Read::Entry(entry, next) => {
                    kinds.push(entry.kind);
                    at = next;
                }
                Read::Damaged(next) => {
                    damaged += 1;
                    at = next;
                }
                Read::Truncated => break,
            }
        }
        (kinds, damaged)
    }

    #[test]
    fn entries_read_back_and_damage_costs_only_what_it_touches() {
        let good = log();
        assert_eq!(kinds(&good), (vec![Kind::Put, Kind::Put, Kind::Commit], 0));
        let mut flipped = good.clone();
        flipped[HEADER + 2] ^= 0x10; // inside the first entry's value
        assert_eq!(kinds(&flipped), (vec![Kind::Put, Kind::Commit], 1));
        let cut = &good[..good.len() - 3];
        assert_eq!(kinds(cut), (vec![Kind::Put, Kind::Put], 0), "a torn tail");
        let mut header = good.clone();
        header[5] = 0xFF; // the first key length, absurd
        assert_eq!(kinds(&header), (vec![Kind::Put, Kind::Commit], 1));
        if let Read::Entry(entry, _) = read_at(&good, 0, 100) {
            assert_eq!(entry.value_at, 100 + HEADER as u64 + 1);
            assert_eq!(
                (entry.table, entry.key, entry.value),
                (Table::Retained, &b"a"[..], &b"one"[..])
            );
        }
    }
}
