//! The process's own memory, as the kernel counts it (`/proc/self/status`): what the API
//! shows and what `max_memory` is held against.

/// Resident memory of this process in bytes (`VmRSS` of `/proc/self/status`); 0 where there
/// is no procfs.
pub fn resident_memory() -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<u64>().ok())
        .map_or(0, |kib| kib.saturating_mul(1024))
}
