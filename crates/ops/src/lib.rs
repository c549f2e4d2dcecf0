//! Operations (SPEC §4, §7): the scheduler and its jobs, and backups with their off-site copy. The
//! legacy import will join it here.
//!
//! - [`schedule`]: when a job is due — a cron expression (parsed by `croner`) in a named IANA zone.
//! - [`catch_up`]: what to do with the occurrences that came due since the last one recorded — pure.
//! - [`job`] and [`registry`]: the `Job` trait every job implements, and the jobs a server runs.
//! - [`scheduler`]: the loop `serve` runs, the manual trigger, and the overview for `jobs list`.
//! - [`jobs`]: the jobs themselves, one file each.
//! - [`backup`]: `credinet backup run|list|verify|restore|prune`, one file per verb.
//! - [`release`]: `credinet release`, a new build installed beside the old ones, rolled back by itself.
//!
//! Time comes from the store's clock, so tests move it; runs are rows (`job_run`) and the right to run
//! a job for a scope is a lease row (`job_lease`), so several servers on one database behave as one.

pub mod backup;
pub mod catch_up;
pub mod job;
pub mod jobs;
pub mod registry;
pub mod release;
pub mod schedule;
pub mod scheduler;
mod settings;

pub use job::{CatchUp, Job, JobError, JobScope, RunContext};
pub use registry::Registry;
pub use schedule::{CutTime, Schedule, ScheduleError};
pub use scheduler::{JobView, Scheduler, SchedulerError, StartedRun};
pub use settings::{SchedulerSettings, SchedulerSettingsError};
