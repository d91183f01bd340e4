// SPDX-License-Identifier: GPL-3.0-or-later

import Dispatch
import Foundation

/// Runs training jobs on worker threads while the event loop goes on (DESIGN rule 2).
///
/// A job is a pure function of its inputs, so when it runs and on which thread changes nothing in its result;
/// the loop asks for a result only when it reaches the job's completion event, and waits then if it must.
/// With one thread, jobs run on the caller's thread when their result is first asked for.
final class TrainingPool<Result: Sendable>: @unchecked Sendable {
    /// One submitted job.
    final class Ticket: @unchecked Sendable {
        fileprivate let job: @Sendable () -> Result
        fileprivate let done = DispatchSemaphore(value: 0)
        fileprivate var result: Result?
        fileprivate let lock = NSLock()
        fileprivate var started = false

        fileprivate init(job: @escaping @Sendable () -> Result) { self.job = job }

        /// Runs the job unless another thread already has; returns whether this call ran it.
        fileprivate func runIfNotStarted() -> Bool {
            self.lock.lock()
            if self.started {
                self.lock.unlock()
                return false
            }
            self.started = true
            self.lock.unlock()
            let value = self.job()
            self.lock.lock()
            self.result = value
            self.lock.unlock()
            self.done.signal()
            return true
        }
    }

    private let threads: Int
    private let queue = DispatchQueue(label: "ftte-sim.training", attributes: .concurrent)
    private let slots: DispatchSemaphore

    /// A pool of `threads` workers (1: no worker threads at all).
    init(threads: Int) {
        self.threads = max(1, threads)
        self.slots = DispatchSemaphore(value: max(1, threads))
    }

    /// Submits a job.
    func submit(_ job: @escaping @Sendable () -> Result) -> Ticket {
        let ticket = Ticket(job: job)
        guard self.threads > 1 else { return ticket }
        let slots = self.slots
        self.queue.async {
            slots.wait()
            _ = ticket.runIfNotStarted()
            slots.signal()
        }
        return ticket
    }

    /// The job's result, waiting for it (or running it here) if needed.
    func result(of ticket: Ticket) -> Result {
        if !ticket.runIfNotStarted() {
            ticket.done.wait()
            ticket.done.signal()
        }
        ticket.lock.lock()
        defer { ticket.lock.unlock() }
        return ticket.result!
    }
}
