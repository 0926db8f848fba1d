import Foundation

/// Work spread over every core (two on the office machines this runs on).
public enum Parallel {
    /// `map` on every core; results in input order.
    public static func map<T: Sendable, R>(_ input: [T], _ transform: @Sendable (T) -> R) -> [R] {
        let box = ResultsBox<R>(input.count)
        DispatchQueue.concurrentPerform(iterations: input.count) { index in
            let result = transform(input[index])
            box.lock.lock()
            box.results[index] = result
            box.lock.unlock()
        }
        return box.results.map { $0! }
    }
}

extension Parallel {
    /// `map` on `threads` threads of its own, for work that waits on the disk rather than the
    /// processor (metadata of files not in the page cache): a disk answers many requests at
    /// once, so more threads than cores finish sooner. Results in input order.
    public static func mapWaitingOnDisk<T: Sendable, R>(_ input: [T], threads: Int = 16, _ transform: @escaping @Sendable (T) -> R) -> [R] {
        let box = ResultsBox<R>(input.count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(threads, input.count)) {
            group.enter()
            let thread = Thread {
                while true {
                    box.lock.lock()
                    let index = box.next
                    box.next += 1
                    box.lock.unlock()
                    guard index < input.count else { break }
                    let result = transform(input[index])
                    box.lock.lock()
                    box.results[index] = result
                    box.lock.unlock()
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        return box.results.map { $0! }
    }
}

/// Results written by concurrent workers, each to its own index, under a lock.
private final class ResultsBox<R>: @unchecked Sendable {
    var results: [R?]
    /// The next input index to take (`mapWaitingOnDisk`).
    var next = 0
    let lock = NSLock()
    init(_ count: Int) { results = Array(repeating: nil, count: count) }
}
