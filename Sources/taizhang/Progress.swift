import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One progress line on a terminal for a long command: `label done/total elapsed detail`,
/// redrawn in place at most ten times a second and cleared by `finish()`. Silent when standard
/// error or standard output is not a terminal (pipes, files, CI logs), so no output changes
/// there. For `generate` and `scan`; `print` and `pack --zip` can use it the same way.
final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// `enabled` is for tests; by default the line shows only on a terminal.
    init(_ label: String, total: Int, enabled: Bool = Progress.onTerminal) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Whether both standard output and standard error are terminals.
    static var onTerminal: Bool { isatty(STDERR_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }

    /// Marks `count` more units done (safe from any thread); `detail` names the current one.
    func advance(by count: Int = 1, detail: String = "") {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        done += count
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\u{1B}[2K\r\(Self.line(label, done: done, total: total, elapsed: now.timeIntervalSince(start), detail: detail))".utf8))
    }

    /// Sets the count of units done (for callbacks that report a position).
    func update(done: Int, detail: String = "") {
        guard enabled else { return }
        lock.lock()
        let step = done - self.done
        lock.unlock()
        advance(by: step, detail: detail)
    }

    /// Clears the line, if one was drawn.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
        drawn = false
    }

    /// The text of the line, e.g. `生成 120/641 3.2 s 合成0120社区`.
    static func line(_ label: String, done: Int, total: Int, elapsed: TimeInterval, detail: String) -> String {
        let seconds = (elapsed * 10).rounded() / 10
        return "\(label) \(done)/\(total) \(seconds) s" + (detail.isEmpty ? "" : " " + detail)
    }
}
