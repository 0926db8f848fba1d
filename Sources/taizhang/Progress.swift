import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One progress line on a terminal for a long command: `label done/total elapsed detail`,
/// redrawn in place at most ten times a second (and at the last unit), cleared by `finish()`.
/// Silent when standard output or standard error is not a terminal (pipes, files, CI logs), so
/// no output changes there. Used by `generate`, `scan`, `print` and `pack --zip`:
/// `progress.update(done:total:detail:)` from any thread, `progress.finish()` before printing.
final class Progress: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// `enabled` is for tests; by default the line shows only on a terminal.
    init(_ label: String, enabled: Bool = Progress.onTerminal) {
        self.label = label
        self.enabled = enabled
    }

    /// Whether both standard output and standard error are terminals.
    static var onTerminal: Bool { isatty(STDERR_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }

    /// `done` of `total` units are finished; `detail` names the current one.
    func update(done: Int, total: Int, detail: String = "") {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drawn = true
        let line = Self.line(label, done: done, total: total, elapsed: now.timeIntervalSince(start), detail: detail)
        FileHandle.standardError.write(Data("\u{1B}[2K\r\(line)".utf8))
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
        let tenths = Int((elapsed * 10).rounded())
        return "\(label) \(done)/\(total) \(tenths / 10).\(tenths % 10) s" + (detail.isEmpty ? "" : " " + detail)
    }
}
