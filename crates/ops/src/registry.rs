//! The jobs a server runs, by name.

use crate::job::Job;
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Registry {
    jobs: Vec<Arc<dyn Job>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds a job. A second job of the same name replaces the first, so a name means one job.
    pub fn with(mut self, job: impl Job) -> Registry {
        self.jobs.retain(|j| j.name() != job.name());
        self.jobs.push(Arc::new(job));
        self
    }

    pub fn find(&self, name: &str) -> Option<Arc<dyn Job>> {
        self.jobs.iter().find(|j| j.name() == name).cloned()
    }

    pub fn jobs(&self) -> impl Iterator<Item = &Arc<dyn Job>> {
        self.jobs.iter()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name()).collect()
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}
