//! The log file, rotated by size (`log.rotation`): written to `DIR/FILE`; once a write would
//! take it past `size`, it is renamed `FILE.1` (an older `FILE.1` to `FILE.2`, and so on, the
//! oldest beyond `count` removed) and a new `FILE` started.
//!
//! Hand-written: `tracing-appender` rotates by time only, and size rotation is a few lines.
//! A line is never split across two files. A write that fails is dropped (logging must never
//! take the broker down); the next write tries again.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;

/// A size-rotated log file; clones share it.
#[derive(Debug, Clone)]
pub struct RotatingFile {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    max_bytes: u64,
    count: u32,
    file: Option<File>,
    size: u64,
}

impl RotatingFile {
    /// Opens (appending to) `dir/name`, creating `dir` if needed.
    pub fn open(dir: &Path, name: &str, max_bytes: u64, count: u32) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(name);
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let size = file.metadata()?.len();
        Ok(RotatingFile {
            inner: Arc::new(Mutex::new(Inner {
                path,
                max_bytes,
                count,
                file: Some(file),
                size,
            })),
        })
    }
}

impl Inner {
    fn rotated(&self, n: u32) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        let _ = std::fs::remove_file(self.rotated(self.count));
        for n in (1..self.count).rev() {
            let from = self.rotated(n);
            if from.exists() {
                std::fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        std::fs::rename(&self.path, self.rotated(1))?;
        self.file = Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?,
        );
        self.size = 0;
        Ok(())
    }

    fn write_line(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let len = buf.len() as u64;
        if self.size > 0 && self.size + len > self.max_bytes {
            self.rotate()?;
        }
        if self.file.is_none() {
            self.file = Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?,
            );
        }
        if let Some(file) = self.file.as_mut() {
            file.write_all(buf)?;
            self.size += len;
        }
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // One call per event (the formatter writes a whole line at once); errors are dropped.
        let _ = self.inner.lock().write_line(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_by_size_and_keeps_count_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = RotatingFile::open(dir.path(), "b.log", 100, 2).unwrap();
        for n in 0..20 {
            log.write_all(format!("line {n:02} of the log, padded\n").as_bytes())
                .unwrap();
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        let current = read("b.log");
        assert!(
            current.ends_with("line 19 of the log, padded\n"),
            "{current}"
        );
        for name in ["b.log", "b.log.1", "b.log.2"] {
            let text = read(name);
            assert!(text.len() <= 100, "{name}: {} bytes", text.len());
            assert!(text.lines().all(|l| l.starts_with("line ")), "whole lines");
        }
        assert!(
            !dir.path().join("b.log.3").exists(),
            "only count rotated files"
        );
        // The newest rotated file holds the lines just before the current file's.
        let last_rotated = read("b.log.1");
        let first_current = current.lines().next().unwrap();
        let n: u32 = first_current[5..7].parse().unwrap();
        assert!(last_rotated.contains(&format!("line {:02}", n - 1)));
    }
}
