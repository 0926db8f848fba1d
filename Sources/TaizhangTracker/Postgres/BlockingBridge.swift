import Foundation
import Synchronization

/// Runs PostgresNIO's async calls for the synchronous `TrackerStore` API.
///
/// The tracker's API is synchronous (the command line is, and the web calls it off its
/// executor through `Blocking`), so a PostgreSQL call waits for its answer. The async work
/// runs on this bridge's own threads (a task executor preference), never on Swift's
/// cooperative pool: a caller blocking one of the pool's threads (a test, a task group)
/// therefore cannot starve the work it waits for.
final class BlockingBridge: TaskExecutor, @unchecked Sendable {
    static let shared = BlockingBridge(threads: 4)

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "taizhang-postgres-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Starts `body` on the bridge's threads without waiting (a client's `run()`).
    @discardableResult
    func start(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task(executorPreference: self) { await body() }
    }

    /// Runs `body` on the bridge's threads and waits for its result.
    ///
    /// With a `patience`, a call still waiting for `started` (a connection to the server)
    /// after that many seconds is cancelled and fails with `timedOut`: nothing was sent, so
    /// nothing was written. A call that has started waits for the server's answer, so a
    /// change is never reported failed after the server committed it.
    func wait<T: Sendable>(
        patience: TimeInterval? = nil, started: Flag? = nil, _ body: @escaping @Sendable () async throws -> T
    ) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = Task(executorPreference: self) {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        if let patience, done.wait(timeout: .now() + patience) == .timedOut {
            if started?.isSet != true {
                task.cancel()
                throw TimedOut(seconds: patience)
            }
            done.wait()
        } else if patience == nil {
            done.wait()
        }
        guard let result = outcome.withLock({ $0 }) else { throw TimedOut(seconds: patience ?? 0) }
        return try result.get()
    }

    struct TimedOut: Error {
        let seconds: TimeInterval
    }
}

/// Carries a non-Sendable value (a `decide` closure) into the bridge's task. Safe because the
/// caller waits, blocked, while the task uses it: it is never used from two threads at once.
/// The caller takes it back (`withdraw`) before returning, so a non-escaping closure handed
/// over with `withoutActuallyEscaping` is not held by the finished task.
final class Handed<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var held: Value?

    init(_ value: Value) { held = value }

    /// The value, or a cancellation when the caller has given up waiting.
    func value() throws -> Value {
        guard let value = lock.withLock({ held }) else { throw CancellationError() }
        return value
    }

    func withdraw() { lock.withLock { held = nil } }
}

/// A flag set once from another thread (a call has its connection).
final class Flag: Sendable {
    private let state = Mutex(false)

    var isSet: Bool { state.withLock { $0 } }

    func set() { state.withLock { $0 = true } }
}
