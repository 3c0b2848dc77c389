//! Debian's `mosquitto` broker as a child process, killed when dropped.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::free_port;
use crate::support::TIMEOUT;

/// A running `mosquitto`.
pub struct Mosquitto {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Mosquitto {
    /// Starts `mosquitto` on a free loopback port, anonymous access allowed, with `extra`
    /// appended to its listener's configuration (TLS files, for instance, written to the
    /// directory `write_files` is given).
    /// `None` when mosquitto is not installed and `NANOMQ_REQUIRE_INTEROP` is unset: a
    /// newcomer's `cargo test` then says it skipped these tests, while CI (which installs
    /// mosquitto and sets the variable) fails instead of skipping.
    pub fn start(extra: &str, write_files: impl FnOnce(&Path)) -> Option<Mosquitto> {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path());
        let port = free_port();
        let conf = dir.path().join("mosquitto.conf");
        let text = format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n{extra}\n"
        );
        std::fs::write(&conf, text).unwrap();
        let spawn = |program: &str| {
            Command::new(program)
                .arg("-c")
                .arg(&conf)
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        };
        // Debian installs it in /usr/sbin, which is not on every user's PATH.
        let child = match spawn("mosquitto").or_else(|_| spawn("/usr/sbin/mosquitto")) {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let why = "`mosquitto` is neither on PATH nor in /usr/sbin: install Debian's \
                           mosquitto package (apt-get install -y mosquitto; .ci/run does) to \
                           run the bridge-to-mosquitto tests";
                if std::env::var_os("NANOMQ_REQUIRE_INTEROP").is_some() {
                    panic!("{why}");
                }
                eprintln!("SKIPPED: {why}");
                return None;
            }
            Err(e) => panic!("cannot start mosquitto: {e}"),
        };
        let mut mosquitto = Mosquitto {
            child,
            port,
            _dir: dir,
        };
        mosquitto.wait_listening();
        Some(mosquitto)
    }

    /// Waits until the port accepts connections (mosquitto has no readiness signal).
    fn wait_listening(&mut self) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("mosquitto exited at start-up: {status}");
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "mosquitto did not listen on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
