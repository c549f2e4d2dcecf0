//! How long work reports how far it got: the command line draws a bar on a terminal, the scheduler
//! reports nothing.

pub trait Progress: Send + Sync {
    /// A stage begins (`"copying"`, `"compressing"`, `"restoring"`), of `total` bytes when known.
    fn stage(&self, name: &str, total: Option<u64>);
    /// `bytes` more of the stage are done.
    fn advance(&self, bytes: u64);
    fn finish(&self);
}

pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _name: &str, _total: Option<u64>) {}
    fn advance(&self, _bytes: u64) {}
    fn finish(&self) {}
}
