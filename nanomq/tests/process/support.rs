//! Starting the `nanomq` binary on a temporary configuration and reading where it listens.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The bound on every wait of these tests.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A broker process.
pub struct Broker {
    pub child: Child,
    pub mqtt: SocketAddr,
    pub stdout: Option<BufReader<ChildStdout>>,
    pub stderr: Option<ChildStderr>,
    pub dir: TempDir,
}

/// A configuration on loopback with ports chosen by the system and no WebSocket listener
/// (whose default port is fixed), followed by `extra` TOML.
pub fn config_text(extra: &str) -> String {
    format!(
        "url = \"nmq-tcp://127.0.0.1:0\"\n{extra}\n[websocket]\nenable = false\n\n[http_server]\nport = 0\n"
    )
}

impl Broker {
    /// Starts `nanomq start --conf FILE` with `text` as the file, stdout and stderr piped, and
    /// waits for the line giving the MQTT address.
    pub fn start(text: &str) -> Broker {
        let dir = tempfile::tempdir().unwrap();
        Broker::start_in(dir, text)
    }

    /// As [`Broker::start`], in `dir` (which may hold state from an earlier run).
    pub fn start_in(dir: TempDir, text: &str) -> Broker {
        let conf = dir.path().join("nanomq.conf");
        std::fs::write(&conf, text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_nanomq"))
            .arg("start")
            .arg("--conf")
            .arg(&conf)
            .current_dir(dir.path())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let mqtt = line
            .trim()
            .rsplit(' ')
            .next()
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no MQTT address in {line:?}"));
        let stderr = child.stderr.take();
        Broker {
            child,
            mqtt,
            stdout: Some(stdout),
            stderr,
            dir,
        }
    }

    /// Ends the process the way `signal` does (KILL: no chance to save anything), waits for
    /// it, and returns its directory, with whatever it left on disk, for the next run.
    pub fn end(mut self, signal: &str) -> TempDir {
        self.signal(signal);
        self.wait_exit();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    /// The directory the broker runs in.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Sends `signal` (a name `kill` understands: TERM, INT, KILL) to the broker.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal}");
    }

    /// The broker's stderr, line by line, read on a thread (taken from the broker).
    pub fn stderr_lines(&mut self) -> Receiver<String> {
        let stderr = self.stderr.take().expect("stderr not taken yet");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        rx
    }

    /// Waits for the process to exit, failing the test after [`TIMEOUT`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("the broker did not exit within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next line from `lines` containing `needle`, failing the test after [`TIMEOUT`].
pub fn line_with(lines: &Receiver<String>, needle: &str) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no log line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    }
}
