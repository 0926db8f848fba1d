import CLibXML2
import Foundation
import TaizhangDiagnostics

/// Process-wide libxml2 set-up. Done once; `xmlCleanupParser` is never called.
enum XMLLibrary {
    private static let initialized: Void = {
        xmlInitParser()
        // Whatever else happens, libxml2 never fetches anything from the network.
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
    }()

    static func ensureInitialized() { _ = initialized }

    /// Parser flags used for every document: no network, big line numbers, no `xml:base`
    /// fix-ups from XInclude (they would fail schema validation). Never `XML_PARSE_NOENT`
    /// (entity substitution is how XXE happens) and never DTD loading.
    static let parseOptions: Int32 = Int32(
        bitPattern:
            XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOBASEFIX.rawValue
            | XML_PARSE_NOCDATA.rawValue)

    /// Added for files whose bytes are valid UTF-8: their encoding declaration is ignored.
    static let ignoreDeclaredEncoding = Int32(bitPattern: XML_PARSE_IGNORE_ENC.rawValue)
}

/// Bridges libxml2's structured errors into diagnostics.
final class ErrorCollector {
    var diagnostics: [Diagnostic] = []
    let fallbackFile: String
    /// Maps a libxml2 node to a source location; set when errors refer to document nodes.
    var locate: ((UnsafeMutableRawPointer) -> SourceLocation?)?
    var stopped = false

    init(fallbackFile: String) { self.fallbackFile = fallbackFile }

    func add(_ error: UnsafePointer<xmlError>, id: String) {
        let e = error.pointee
        if stopped { return }
        var message = e.message.map { String(cString: $0) } ?? "unknown XML error"
        message = message.trimmingWhitespace().split(whereSeparator: \.isNewline).joined(separator: " ")
        if message.hasPrefix("Input is not proper UTF-8") {
            let bytes = message.range(of: "Bytes: ").map { " (" + String(message[$0.upperBound...]) + ")" } ?? ""
            message = "the file is not valid UTF-8\(bytes); save it as UTF-8"
        }
        let severity: Diagnostic.Severity = e.level == XML_ERR_WARNING ? .warning : .error
        var location: SourceLocation?
        if let node = e.node, let locate, let found = locate(node) {
            location = found
        } else {
            let file = e.file.map { String(cString: $0) } ?? fallbackFile
            location = SourceLocation(file: file, line: Int(e.line), column: Int(e.int2))
        }
        diagnostics.append(Diagnostic(severity, id, message, at: location))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Calls `body` with `string` as a NUL-terminated `xmlChar` buffer.
func withXMLChar<R>(_ string: String, _ body: (UnsafePointer<xmlChar>) throws -> R) rethrows -> R {
    try string.withCString { chars in
        try chars.withMemoryRebound(to: xmlChar.self, capacity: string.utf8.count + 1, body)
    }
}

/// Takes ownership of a libxml2-allocated string.
func consumeXMLString(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
    guard let pointer else { return nil }
    defer { taizhang_xmlFree(pointer) }
    return String(cString: pointer)
}

/// Runs `body` with the per-thread libxml2 error handler pointed at `collector`.
/// Only for synchronous scopes: the handler is per thread, and a task may hop threads at `await`.
func withThreadErrors<R>(_ collector: ErrorCollector, id: String, _ body: () throws -> R) rethrows -> R {
    let box = ErrorBox(collector: collector, id: id)
    let unmanaged = Unmanaged.passRetained(box)
    taizhang_setStructuredErrorHandler(
        unmanaged.toOpaque(),
        { context, error in
            guard let context, let error else { return }
            let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
            box.collector.add(error, id: box.id)
        })
    defer {
        taizhang_setStructuredErrorHandler(nil, { _, _ in })
        unmanaged.release()
    }
    return try body()
}

final class ErrorBox {
    let collector: ErrorCollector
    let id: String
    init(collector: ErrorCollector, id: String) {
        self.collector = collector
        self.id = id
    }
}
