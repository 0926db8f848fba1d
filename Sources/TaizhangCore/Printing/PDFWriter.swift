import Foundation
import TaizhangDiagnostics

/// Prints documents to PDF files through Chromium, each atomically: the HTML and the PDF are
/// written under temporary names (`.taizhang-print-*`) in the target folder, and the finished
/// PDF is renamed over the final name, so a killed run never leaves half a PDF. Leftover
/// temporary files of a killed run are removed first.
public struct PDFWriter {
    static let temporaryPrefix = ".taizhang-print-"

    public let folder: String
    public let chromium: Chromium

    public init(folder: String, chromium: Chromium) {
        self.folder = folder
        self.chromium = chromium
    }

    /// Creates the folder (refusing a symbolic link or a file in its place) and removes what a
    /// killed run left.
    public func prepare() throws(Diagnostic) {
        if let problem = PackWriter.folderProblem(folder) { throw problem }
        if FileInventory.isSymbolicLink(folder) {
            throw .error("print.symbolic-link", "\(folder) is a symbolic link; nothing is printed through it", at: SourceLocation(file: folder))
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .error("print.unwritable", "cannot create the print folder: \(error.localizedDescription)", at: SourceLocation(file: folder))
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(Self.temporaryPrefix) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Prints `html` to `folder/name`; returns the PDF's path.
    @discardableResult
    public func print(_ html: [UInt8], as name: String) throws(Diagnostic) -> String {
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let source = folder + "/" + Self.temporaryPrefix + token + ".html"
        let temporary = folder + "/" + Self.temporaryPrefix + token + ".pdf"
        let target = folder + "/" + name
        defer {
            try? FileManager.default.removeItem(atPath: source)
            try? FileManager.default.removeItem(atPath: temporary)
        }
        do {
            try Data(html).write(to: URL(fileURLWithPath: source))
        } catch {
            throw .error("print.unwritable", "cannot write \(source): \(error.localizedDescription)", at: SourceLocation(file: folder))
        }
        try chromium.printToPDF(html: source, pdf: temporary)
        guard rename(temporary, target) == 0 else {
            throw .error("print.unwritable", "cannot move the printed PDF into place: \(String(cString: strerror(errno)))", at: SourceLocation(file: target))
        }
        return target
    }

    /// Prints an existing HTML file (a walkthrough sheet) to a PDF beside it, atomically.
    @discardableResult
    public static func printBeside(html path: String, chromium: Chromium) throws(Diagnostic) -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .error("print.unreadable", "cannot read \(path): \(error.localizedDescription)", at: SourceLocation(file: path))
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".pdf"
        return try PDFWriter(folder: folder, chromium: chromium).print(Array(data), as: name)
    }
}
