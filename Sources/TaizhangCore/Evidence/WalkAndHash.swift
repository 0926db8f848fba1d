import Foundation

/// Walks the folders of a scan and hashes the files the walk turns up, on a few threads at once:
/// hashing starts as soon as the first folder is listed, and at least one thread keeps walking
/// while the others hash. With a cold page cache the walk waits for directory and inode blocks
/// and the hashing for file blocks; overlapped, and with more reads in flight than cores, the
/// disk is kept busy. With a warm cache the hashing is bound by the CPU and the walk hides in it.
///
/// `walk(n)` lists part `n` (a unit) and returns what it found with the absolute paths to hash;
/// each thread hashes with its own read buffer. Results come back in part order, so the outcome
/// does not depend on the threads' timing.
public final class WalkAndHash<Walked: Sendable>: @unchecked Sendable {
    public typealias Hash = @Sendable (String, UnsafeMutableRawBufferPointer) -> String?

    private let condition = NSCondition()
    private let walk: @Sendable (Int) -> (Walked, [String])
    private let hash: Hash
    private let progress: (@Sendable (Int, Int) -> Void)?
    private var walked: [Walked?]
    private var hashes: [[String?]]
    private var nextPart = 0
    private var walking = 0
    private var jobs: [(part: Int, file: Int, path: String)] = []
    private var nextJob = 0
    private var toHash = 0
    private var hashed = 0
    private var running = 0

    /// Starts `threads` threads at once. `hash` defaults to `FileHasher.sha256(path:buffer:)`
    /// (nil: unreadable now); `progress` gets (hashed, found to hash so far) from any thread.
    public init(
        parts: Int, threads: Int = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount),
        walk: @escaping @Sendable (Int) -> (Walked, [String]), hash: Hash? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.walk = walk
        self.hash = hash ?? { path, buffer in try? FileHasher.sha256(path: path, buffer: buffer) }
        self.progress = progress
        walked = Array(repeating: nil, count: parts)
        hashes = Array(repeating: [], count: parts)
        running = max(1, threads)
        for _ in 0..<running {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func work() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FileHasher.blockSize, alignment: 64)
        defer { buffer.deallocate() }
        condition.lock()
        while true {
            let walkFirst = walking == 0 && nextPart < walked.count
            if !walkFirst && nextJob < jobs.count {
                let job = jobs[nextJob]
                nextJob += 1
                condition.unlock()
                let hash = hash(job.path, buffer)
                condition.lock()
                hashes[job.part][job.file] = hash
                hashed += 1
                if let progress {
                    let (done, total) = (hashed, toHash)
                    condition.unlock()
                    progress(done, total)
                    condition.lock()
                }
            } else if nextPart < walked.count {
                let part = nextPart
                nextPart += 1
                walking += 1
                condition.unlock()
                let (result, paths) = walk(part)
                condition.lock()
                walked[part] = result
                hashes[part] = Array(repeating: nil, count: paths.count)
                jobs += paths.indices.map { (part, $0, paths[$0]) }
                toHash += paths.count
                walking -= 1
                condition.broadcast()
            } else if walking > 0 {
                condition.wait()
            } else {
                break
            }
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every part is walked (files may still be hashing); the walks in part order.
    public func walks() -> [Walked] {
        condition.lock()
        defer { condition.unlock() }
        while nextPart < walked.count || walking > 0 { condition.wait() }
        return walked.compactMap { $0 }
    }

    /// Waits until every thread is done; per part, the hashes in the order of its paths (nil:
    /// unreadable now). Call it before leaving, also on an error: the threads use `walk`.
    public func finish() -> [[String?]] {
        condition.lock()
        defer { condition.unlock() }
        while running > 0 { condition.wait() }
        return hashes
    }
}
