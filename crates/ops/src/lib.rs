//! Operations (SPEC §4, §7): the scheduler and its jobs, backups and off-site copies, the legacy import
//! and the environment guard. Empty until the scheduler, backup and import issues build it.
