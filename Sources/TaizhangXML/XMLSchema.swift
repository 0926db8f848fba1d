import CLibXML2
import Foundation
import TaizhangDiagnostics

/// A compiled XML Schema. Immutable once loaded, so it can be shared between tasks.
public final class XMLSchema: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    public let file: String

    private init(schema: xmlSchemaPtr, file: String) {
        self.schema = schema
        self.file = file
    }

    deinit { xmlSchemaFree(schema) }

    /// Loads and compiles an XSD file; diagnostics point into the schema file on failure.
    public static func load(file path: String) -> (schema: XMLSchema?, diagnostics: [Diagnostic]) {
        XMLLibrary.ensureInitialized()
        var info = stat()
        guard stat(path, &info) == 0 else {
            return (nil, [.error("xml.schema-missing", "schema file not found", at: SourceLocation(file: path))])
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            // libxml2 would wait forever for a writer to a FIFO.
            return (nil, [.error("xml.schema-missing", "the schema is not a regular file (a folder, FIFO, socket or device)", at: SourceLocation(file: path))])
        }
        guard let parser = xmlSchemaNewParserCtxt(path) else {
            return (nil, [.error("xml.schema-missing", "could not read the schema", at: SourceLocation(file: path))])
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let collector = ErrorCollector(fallbackFile: path)
        let unmanaged = Unmanaged.passRetained(ErrorBox(collector: collector, id: "xml.schema-invalid"))
        defer { unmanaged.release() }
        xmlSchemaSetParserStructuredErrors(
            parser,
            { context, error in
                guard let context, let error else { return }
                let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
                box.collector.add(error, id: box.id)
            }, unmanaged.toOpaque())
        let compiled = withThreadErrors(collector, id: "xml.schema-invalid") { xmlSchemaParse(parser) }
        guard let compiled, !collector.diagnostics.hasErrors else {
            if let compiled { xmlSchemaFree(compiled) }
            var diagnostics = collector.diagnostics
            if diagnostics.isEmpty { diagnostics.append(.error("xml.schema-invalid", "the schema could not be compiled", at: SourceLocation(file: path))) }
            return (nil, diagnostics)
        }
        return (XMLSchema(schema: compiled, file: path), collector.diagnostics)
    }

    /// Validates a document; every violation becomes a diagnostic at the offending element,
    /// in the file it came from (XInclude-aware).
    public func validate(_ document: XMLDocument) -> [Diagnostic] {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return [.error("xml.internal", "could not create a schema validator", at: SourceLocation(file: document.file))]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector(fallbackFile: document.file)
        collector.locate = { node in
            document.location(of: node.assumingMemoryBound(to: xmlNode.self))
        }
        let unmanaged = Unmanaged.passRetained(ErrorBox(collector: collector, id: "xml.schema"))
        defer { unmanaged.release() }
        xmlSchemaSetValidStructuredErrors(
            context,
            { context, error in
                guard let context, let error else { return }
                let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
                box.collector.add(error, id: box.id)
            }, unmanaged.toOpaque())
        let result = xmlSchemaValidateDoc(context, document.doc)
        var diagnostics = collector.diagnostics
        if result != 0 && !diagnostics.hasErrors {
            diagnostics.append(.error("xml.schema", "the document does not conform to \(URL(fileURLWithPath: file).lastPathComponent)", at: SourceLocation(file: document.file)))
        }
        return diagnostics
    }
}
