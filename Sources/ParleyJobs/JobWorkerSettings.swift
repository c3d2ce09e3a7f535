import Foundation
import ParleyCore

/// How a worker claims and runs jobs.
public struct JobWorkerSettings: Sendable {
    /// Names this worker in `locked_by` (host, process id and a random suffix by default).
    public var name: String
    /// Jobs this process runs at once, over all kinds (each kind also has its own cap).
    public var concurrency: Int
    /// How long a claim holds a job; renewed every third of it while the job runs, so only a
    /// worker that died (or hangs its event loop) loses it.
    public var leaseDuration: Duration
    /// Longest sleep between claims when nothing wakes the worker.
    public var pollInterval: Duration
    /// Delay before retry N: exponential with jitter, capped.
    public var retry: RetryPolicy
    /// On shutdown, how long running jobs may finish before they are cancelled and given back.
    public var drainTimeout: Duration

    public init(name: String = JobWorkerSettings.defaultName(), concurrency: Int = 4, leaseDuration: Duration = .seconds(60),
                pollInterval: Duration = .seconds(1),
                retry: RetryPolicy = RetryPolicy(maxRetries: 0, baseDelay: .seconds(5), maxDelay: .seconds(3600)),
                drainTimeout: Duration = .seconds(10)) {
        self.name = name
        self.concurrency = max(1, concurrency)
        self.leaseDuration = max(leaseDuration, .milliseconds(300))
        self.pollInterval = pollInterval
        self.retry = retry
        self.drainTimeout = drainTimeout
    }

    public static func defaultName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(String(UInt16.random(in: .min ... .max), radix: 16))"
    }
}
