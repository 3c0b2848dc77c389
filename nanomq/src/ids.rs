//! Identifiers that several layers pass around, kept apart from the modules that hand them
//! out so that neither has to import the other.

/// A process-unique number for one session object (a new one for every clean start). It is
/// not stable across restarts: what outlives the process is the client identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);
