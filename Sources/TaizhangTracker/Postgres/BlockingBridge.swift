import Foundation
import PostgresNIO
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

    /// Runs `body` on the bridge's threads and waits for its result, without a time limit
    /// (`patience`: at most that long, then `TimedOut`).
    func wait<T: Sendable>(patience: TimeInterval? = nil, _ body: @escaping @Sendable () async throws -> T) throws -> T {
        let (task, outcome) = launch(body)
        if let patience, outcome.done.wait(timeout: .now() + patience) == .timedOut {
            task.cancel()
            throw TimedOut(seconds: patience, phase: .connecting)
        } else if patience == nil {
            outcome.done.wait()
        }
        return try outcome.get()
    }

    /// Runs a call that leases a connection (`call.start`) and waits for it, never forever:
    ///
    /// - no connection within `limits.connect` (the server down, every connection busy): the
    ///   call is abandoned before it sends anything, and fails with `TimedOut(.connecting)`;
    /// - its connection closed under it (the server ended it): it fails with `ConnectionLost`
    ///   after `limits.grace`. PostgresNIO drops a statement written to a connection that has
    ///   just closed without failing it (`PostgresConnection.query` writes with `promise: nil`),
    ///   so the call's task would wait for its answer forever: a `ROLLBACK` or `COMMIT` after
    ///   the server terminated the connection mid-transaction did exactly that. Such a
    ///   statement never reached the server, so nothing of the call was committed;
    /// - no answer within `limits.answer` of having its connection: the connection is closed
    ///   (which fails what is in flight) and the call fails with `TimedOut(.answering)`.
    func wait<T: Sendable>(limits: Limits, call: Call, _ body: @escaping @Sendable () async throws -> T) throws -> T {
        let (task, outcome) = launch(body)
        let begun = Date()
        while outcome.done.wait(timeout: .now() + 0.05) == .timedOut {
            let now = Date()
            switch call.phase {
            case .waiting:
                if now.timeIntervalSince(begun) >= limits.connect, call.abandon() {
                    task.cancel()
                    throw TimedOut(seconds: limits.connect, phase: .connecting)
                }
            case .started(let at, let connection, let closed):
                if let closed, now.timeIntervalSince(closed) >= limits.grace { throw ConnectionLost() }
                if now.timeIntervalSince(at) >= limits.answer {
                    // The pool's close, which does not wait (the async `close()` would).
                    let close: () -> Void = connection.close
                    close()
                    throw TimedOut(seconds: limits.answer, phase: .answering)
                }
            case .abandoned:
                break
            }
        }
        return try outcome.get()
    }

    /// A call's result, set once by its task.
    private final class Outcome<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)

        func get() throws -> T {
            guard let result = result.withLock({ $0 }) else { throw TimedOut(seconds: 0, phase: .connecting) }
            return try result.get()
        }
    }

    private func launch<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> (Task<Void, Never>, Outcome<T>) {
        let outcome = Outcome<T>()
        let task = Task(executorPreference: self) {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.result.withLock { $0 = result }
            outcome.done.signal()
        }
        return (task, outcome)
    }

    /// How long a call may wait for a connection, then for its answers.
    struct Limits {
        var connect: TimeInterval
        var answer: TimeInterval
        /// How long a call whose connection closed may still take to report it itself.
        var grace: TimeInterval = 1
    }

    struct TimedOut: Error {
        enum Phase { case connecting, answering }
        let seconds: TimeInterval
        let phase: Phase
    }

    /// The call's connection closed before the call returned (see `wait(limits:call:_:)`).
    struct ConnectionLost: Error {}
}

/// One call's progress, shared by the waiting thread and the call's task: waiting for a
/// connection, started on one (and whether it closed since), or abandoned by the waiter. The
/// two sides decide under one lock, so a call is never abandoned after it started to send.
final class Call: Sendable {
    enum Phase {
        case waiting
        case started(at: Date, connection: PostgresConnection, closed: Date?)
        case abandoned
    }

    private let state = Mutex(Phase.waiting)

    var phase: Phase { state.withLock { $0 } }

    /// Called by the task once it holds its connection; false (send nothing) when abandoned.
    func start(on connection: PostgresConnection) -> Bool {
        let started = state.withLock { phase in
            guard case .waiting = phase else { return false }
            phase = .started(at: Date(), connection: connection, closed: nil)
            return true
        }
        if started { connection.closeFuture.whenComplete { _ in self.closed() } }
        return started
    }

    private func closed() {
        state.withLock { phase in
            if case .started(let at, let connection, nil) = phase { phase = .started(at: at, connection: connection, closed: Date()) }
        }
    }

    /// Called by the waiter that gives up on a connection; false when the call already started.
    func abandon() -> Bool {
        state.withLock { phase in
            guard case .waiting = phase else { return false }
            phase = .abandoned
            return true
        }
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

    /// Runs `body` with the value under the lock (so `withdraw` waits for a use in progress),
    /// or throws a cancellation when the caller has given up waiting.
    func use<R>(_ body: (Value) throws -> R) throws -> R {
        try lock.withLock {
            guard let held else { throw CancellationError() }
            return try body(held)
        }
    }

    func withdraw() { lock.withLock { held = nil } }
}
