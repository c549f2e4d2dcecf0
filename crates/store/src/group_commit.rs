//! Group commit: requests that arrive together are written together (ADR 6, ADR 31). Callers hand a
//! request to a [`GroupCommit`] and wait for its answer; writer tasks take whatever has queued (up to a
//! batch's size, with no artificial wait, so a lone request is written at once and a burst shares
//! transactions) and write it in one transaction of their own. What a batch is and how it is written
//! belongs to the service (payments, the assistant's messages); this is only the queue and the hand-off
//! of answers.

use std::future::Future;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// Where requests go to be written in groups. Cheap to clone.
pub struct GroupCommit<R, A> {
    sender: mpsc::Sender<(R, oneshot::Sender<A>)>,
}

impl<R, A> Clone for GroupCommit<R, A> {
    fn clone(&self) -> Self {
        GroupCommit {
            sender: self.sender.clone(),
        }
    }
}

/// Why a request got no answer from the writers.
#[derive(Debug)]
pub enum NotWritten<R> {
    /// The writers have stopped: the request is given back, for the caller's own path.
    Closed(R),
    /// A writer took the request and stopped before answering (it panicked): whether the request was
    /// written is unknown.
    Lost,
}

impl<R: Send + 'static, A: Send + 'static> GroupCommit<R, A> {
    /// Starts `writers` writer tasks on the current runtime. `write` takes a batch of at most
    /// `max_batch` requests, in arrival order, and answers each, in the same order.
    pub fn spawn<F, Fut>(writers: usize, max_batch: usize, write: F) -> GroupCommit<R, A>
    where
        F: Fn(Vec<R>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<A>> + Send + 'static,
    {
        let max_batch = max_batch.max(1);
        let (sender, receiver) = mpsc::channel::<(R, oneshot::Sender<A>)>(4 * max_batch);
        let receiver = Arc::new(Mutex::new(receiver));
        let write = Arc::new(write);
        for _ in 0..writers.max(1) {
            let (receiver, write) = (receiver.clone(), write.clone());
            tokio::spawn(async move {
                while let Some(batch) = next_batch(&receiver, max_batch).await {
                    let (requests, replies): (Vec<R>, Vec<oneshot::Sender<A>>) =
                        batch.into_iter().unzip();
                    let answers = write(requests).await;
                    // A caller that gave up waiting drops its receiver; its answer has nowhere to go.
                    for (reply, answer) in replies.into_iter().zip(answers) {
                        let _ = reply.send(answer);
                    }
                }
            });
        }
        GroupCommit { sender }
    }

    /// Queues `request` (waiting while the queue is full) and waits for its answer.
    pub async fn submit(&self, request: R) -> Result<A, NotWritten<R>> {
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::error::SendError((request, _))) = self.sender.send((request, reply)).await
        {
            return Err(NotWritten::Closed(request));
        }
        answer.await.map_err(|_| NotWritten::Lost)
    }
}

/// The next batch: the first request waiting and whatever queued behind it, up to `max`.
async fn next_batch<T>(receiver: &Mutex<mpsc::Receiver<T>>, max: usize) -> Option<Vec<T>> {
    let mut receiver = receiver.lock().await;
    let first = receiver.recv().await?;
    let mut batch = vec![first];
    while batch.len() < max {
        match receiver.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_request_gets_its_own_answer_and_a_burst_shares_batches() {
        let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let group = GroupCommit::spawn(1, 8, move |batch: Vec<u32>| {
            seen.lock().unwrap().push(batch.len());
            async move { batch.into_iter().map(|n| n * 10).collect::<Vec<_>>() }
        });
        let answers = futures_join(&group, 40).await;
        assert_eq!(answers, (0..40).map(|n| n * 10).collect::<Vec<_>>());
        let sizes = sizes.lock().unwrap().clone();
        assert_eq!(sizes.iter().sum::<usize>(), 40);
        assert!(sizes.iter().all(|&n| (1..=8).contains(&n)), "{sizes:?}");
    }

    async fn futures_join(group: &GroupCommit<u32, u32>, n: u32) -> Vec<u32> {
        let tasks: Vec<_> = (0..n)
            .map(|k| {
                let group = group.clone();
                tokio::spawn(async move { group.submit(k).await.ok() })
            })
            .collect();
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap().expect("answered"));
        }
        out
    }
}
