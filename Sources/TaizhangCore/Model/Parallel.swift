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

/// Results written by concurrent workers, each to its own index, under a lock.
private final class ResultsBox<R>: @unchecked Sendable {
    var results: [R?]
    let lock = NSLock()
    init(_ count: Int) { results = Array(repeating: nil, count: count) }
}
