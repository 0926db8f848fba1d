import Foundation
import TaizhangDiagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium, the one way Taizhang turns HTML into PDF (`print`, `walkthrough --pdf`).
public struct Chromium: Sendable {
    public let executable: String

    /// The install hint printed when Chromium is missing.
    public static let installHint = "apt-get install chromium fonts-noto-cjk"

    /// The first Chromium on `PATH`, or nil.
    public static func find(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> Chromium? {
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for dir in (path ?? "/usr/bin:/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return Chromium(executable: "\(dir)/\(name)")
            }
        }
        return nil
    }

    public init(executable: String) { self.executable = executable }

    /// Prints an HTML file to `pdf` (A4, as the pages' `@page` rule says, no browser header or
    /// footer). Writes `pdf` directly: callers give a temporary name and rename it.
    public func printToPDF(html: String, pdf: String) throws(Diagnostic) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "--headless", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run", "--disable-extensions",
            "--print-to-pdf=\(pdf)", URL(fileURLWithPath: html).absoluteString,
        ]
        // Chromium refuses to run as root inside its sandbox.
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .error("print.chromium-failed", "could not start Chromium (\(executable)): \(error.localizedDescription)", at: SourceLocation(file: html))
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf) else {
            throw .error("print.chromium-failed", "Chromium could not print this page to PDF (exit \(process.terminationStatus))", at: SourceLocation(file: html))
        }
    }
}
