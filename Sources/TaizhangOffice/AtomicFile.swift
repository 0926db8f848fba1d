import Foundation
import TaizhangDiagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// Files the office commands write appear whole or not at all: the content goes to a
/// temporary file in the same folder, which is then renamed over the target.
enum AtomicFile {
    /// Lets `body` write a temporary file next to `path`, then renames it to `path`. On any
    /// failure the temporary file is removed and `path` is left as it was.
    static func produce(at path: String, _ body: (_ temporary: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic.error("office.write-failed", "cannot create the folder: \(error.localizedDescription)", at: SourceLocation(file: folder))
        }
        let temporary = folder + "/.taizhang-tmp-" + UUID().uuidString + "-" + url.lastPathComponent
        do {
            try body(temporary)
            guard rename(temporary, path) == 0 else {
                throw Diagnostic.error("office.write-failed", "cannot rename the finished file into place: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
            }
        } catch {
            unlink(temporary)
            if let diagnostic = error as? Diagnostic { throw diagnostic }
            throw Diagnostic.error("office.write-failed", "cannot write the file: \(error.localizedDescription)", at: SourceLocation(file: path))
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try produce(at: path) { temporary in try Data(bytes).write(to: URL(fileURLWithPath: temporary)) }
    }
}

/// Writing files the way the office commands do (temporary file, then rename).
public enum OfficeFiles {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try AtomicFile.write(bytes, to: path)
    }
}
