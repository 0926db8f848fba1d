import CLibXML2
import Foundation
import TaizhangDiagnostics

/// A parsed XML document. Owns its libxml2 tree; not thread-safe, keep it confined to one task.
public final class XMLDocument {
    let doc: xmlDocPtr
    /// The file the document was read from (absolute or as given).
    public let file: String
    /// Where included content came from (filled by XInclude processing): the index of its file
    /// in `files`, and its line as its own file had it (copies lose lines above 65,535).
    struct Origin {
        var file: Int
        var line: Int?
    }

    /// The origin of an included element, kept in the node's `_private` field, which libxml2
    /// leaves to the application: file index + 1 above bit 40, line + 1 (0: unknown) below.
    /// A dictionary keyed by node address cost a hash per element, both when `validate` mapped
    /// the included files and whenever a position was asked for; nil for the master file's own.
    func origin(of node: xmlNodePtr) -> Origin? {
        guard let raw = node.pointee._private else { return nil }
        let bits = UInt(bitPattern: raw)
        let line = Int(bits & Self.originLineMask)
        return Origin(file: Int(bits >> Self.originFileShift) - 1, line: line == 0 ? nil : line - 1)
    }

    /// Records (or with nil, clears) where an element came from; see `origin(of:)`.
    func setOrigin(_ origin: Origin?, of node: xmlNodePtr) {
        guard let origin else {
            node.pointee._private = nil
            return
        }
        let line = UInt(origin.line.map { $0 + 1 } ?? 0) & Self.originLineMask
        node.pointee._private = UnsafeMutableRawPointer(bitPattern: UInt(origin.file + 1) << Self.originFileShift | line)
    }

    private static let originFileShift: UInt = 40
    private static let originLineMask: UInt = (1 << 40) - 1
    var files: [String]
    let sources = SourceTextCache()
    /// Whether the file's bytes were valid UTF-8 when `parse(file:)` read it; nil for a
    /// document parsed from memory.
    var isUTF8: Bool?
    /// How many bytes were parsed (the file's, or the string's in UTF-8).
    var byteCount = 0

    init(doc: xmlDocPtr, file: String) {
        self.doc = doc
        self.file = file
        self.files = [file]
    }

    deinit { xmlFreeDoc(doc) }

    /// The largest file the parser accepts; larger input is refused before libxml2 sees it.
    public static let maximumFileSize = 32 * 1024 * 1024

    /// The result of a parse: a document when the input was well-formed, and every diagnostic.
    public struct ParseResult {
        public let document: XMLDocument?
        public let diagnostics: [Diagnostic]
    }

    /// Parses a file. Refuses DOCTYPE declarations (and with them every entity trick: XXE,
    /// billion laughs), network access and files above `maximumFileSize`.
    public static func parse(file path: String) -> ParseResult {
        parse(file: path, sharingNamesWith: nil)
    }

    /// `parse(file:)` into a document that shares the name dictionary of `names`, so that
    /// XInclude can move its nodes into that document instead of copying them.
    static func parse(file path: String, sharingNamesWith names: XMLDocument?) -> ParseResult {
        let location = SourceLocation(file: path)
        // Bytes that are valid UTF-8 are UTF-8, whatever the declaration says: editors often keep
        // `encoding="GBK"` on a file they saved as UTF-8, and honouring it shows mojibake.
        // The file is read once: libxml2 parses the bytes read for this check, and they are kept
        // as the source text for positions, so columns are found in the text that was parsed.
        let bytes: [UInt8]
        do {
            bytes = try SourceTextCache.read(path)
        } catch {
            let limit = "the limit is \(maximumFileSize / 1024 / 1024) MiB"
            let (id, message) =
                switch error {
                case .missing: ("xml.file-not-found", "file not found")
                case .folder: ("xml.file-not-found", "is a directory, not an XML file")
                case .notRegular: ("xml.unreadable", "cannot read the file: not a regular file (a FIFO, socket or device)")
                case .tooLarge(let size?): ("xml.too-large", "file is too large (\(size / 1024 / 1024) MiB; \(limit))")
                case .tooLarge(nil): ("xml.too-large", "file is too large (it grew while it was read; \(limit))")
                case .system(let code): ("xml.unreadable", "cannot read the file: \(String(cString: strerror(code)))")
                }
            return ParseResult(document: nil, diagnostics: [.error(id, message, at: location)])
        }
        let isUTF8 = SourceTextCache.isValidUTF8(bytes)
        let options = isUTF8 ? XMLLibrary.parseOptions | XMLLibrary.ignoreDeclaredEncoding : XMLLibrary.parseOptions
        let result = parse(path: path) { ctxt in
            if let dictionary = names?.doc.pointee.dict { share(dictionary, with: ctxt) }
            return read(bytes, with: ctxt, naming: path, options: options)
        }
        result.document?.isUTF8 = isUTF8
        result.document?.byteCount = bytes.count
        result.document?.sources.add(file: path, bytes: isUTF8 ? bytes : [])
        return result
    }

    /// Makes a fresh parser context intern names in `dictionary`, as libxml2's own XInclude
    /// does for the files it includes, including the names the context looked up in its own.
    private static func share(_ dictionary: xmlDictPtr, with ctxt: xmlParserCtxtPtr) {
        xmlDictFree(ctxt.pointee.dict)
        ctxt.pointee.dict = dictionary
        xmlDictReference(dictionary)
        ctxt.pointee.str_xml = xmlDictLookup(dictionary, "xml", 3)
        ctxt.pointee.str_xmlns = xmlDictLookup(dictionary, "xmlns", 5)
        ctxt.pointee.str_xml_ns = xmlDictLookup(dictionary, "http://www.w3.org/XML/1998/namespace", 36)
    }

    /// Whether the file's bytes are valid UTF-8 (false when it cannot be read).
    static func isValidUTF8(file path: String) -> Bool {
        (try? SourceTextCache.read(path)).map(SourceTextCache.isValidUTF8) ?? false
    }

    /// Parses XML held in memory; `file` names it in diagnostics.
    public static func parse(string: String, file: String) -> ParseResult {
        let bytes = Array(string.utf8)
        if bytes.count > maximumFileSize {
            return ParseResult(document: nil, diagnostics: [.error("xml.too-large", "document is too large", at: SourceLocation(file: file))])
        }
        let result = parse(path: file) { ctxt in read(bytes, with: ctxt, naming: file, options: XMLLibrary.parseOptions) }
        result.document?.byteCount = bytes.count
        return result
    }

    /// Parses `bytes` (at most `maximumFileSize`) as the document named `url`; no bytes get
    /// libxml2's "Document is empty".
    private static func read(_ bytes: [UInt8], with ctxt: xmlParserCtxtPtr, naming url: String, options: Int32) -> xmlDocPtr? {
        guard !bytes.isEmpty else { return xmlCtxtReadMemory(ctxt, "", 0, url, nil, options) }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(chars.count), url, nil, options)
            }
        }
    }

    private static func parse(path: String, read: (xmlParserCtxtPtr) -> xmlDocPtr?) -> ParseResult {
        XMLLibrary.ensureInitialized()
        guard let ctxt = xmlNewParserCtxt() else {
            return ParseResult(document: nil, diagnostics: [.error("xml.internal", "could not create an XML parser", at: SourceLocation(file: path))])
        }
        defer { xmlFreeParserCtxt(ctxt) }
        let collector = ErrorCollector(fallbackFile: path)
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        // Per-parse errors: the callback's user data is the parser context; our collector rides in `_private`.
        ctxt.pointee._private = unmanaged.toOpaque()
        ctxt.pointee.sax.pointee.serror = { userData, error in
            guard let userData, let error else { return }
            let ctxt = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let box = ctxt.pointee._private else { return }
            Unmanaged<ErrorCollector>.fromOpaque(box).takeUnretainedValue().add(error, id: "xml.syntax")
        }
        // A checklist never needs a DTD. Stop at the DOCTYPE, before any entity is declared.
        ctxt.pointee.sax.pointee.internalSubset = { userData, _, _, _ in
            guard let userData else { return }
            let ctxt = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let box = ctxt.pointee._private else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(box).takeUnretainedValue()
            let line = Int(ctxt.pointee.input?.pointee.line ?? 0)
            collector.diagnostics.append(
                .error(
                    "xml.doctype-forbidden",
                    "DOCTYPE declarations are not allowed (entities could read other files or expand without limit)",
                    at: SourceLocation(file: collector.fallbackFile, line: line, column: 1)))
            collector.stopped = true
            xmlStopParser(ctxt)
        }
        let doc = read(ctxt)
        let wellFormed = ctxt.pointee.wellFormed != 0 && !collector.stopped
        guard let doc, wellFormed else {
            if let doc { xmlFreeDoc(doc) }
            var diagnostics = collector.diagnostics
            if !diagnostics.hasErrors {
                diagnostics.append(.error("xml.syntax", "the document could not be read", at: SourceLocation(file: path)))
            }
            return ParseResult(document: nil, diagnostics: diagnostics)
        }
        return ParseResult(document: XMLDocument(doc: doc, file: path), diagnostics: collector.diagnostics)
    }

    /// The root element, if any.
    public var root: XMLElement? {
        guard let node = xmlDocGetRootElement(doc) else { return nil }
        return XMLElement(node: node, document: self)
    }

    /// Positions already found: the model asks for an element's position once for the element
    /// and again for each attribute it keeps. Emptied when XInclude changes the tree.
    var locations = LocationCache()

    /// A small cache of positions, one slot per address bucket, the newest position winning.
    /// The model asks for one element's positions one after another, so a few slots catch
    /// nearly every repeat; a dictionary of every element's position cost more (hashing,
    /// growing) than the searches it saved. Slots are made on the first position stored.
    struct LocationCache {
        private static let size = 64
        private var nodes: [UnsafeMutableRawPointer?] = []
        private var values: [SourceLocation?] = []

        private static func slot(_ node: UnsafeMutableRawPointer) -> Int { (Int(bitPattern: node) >> 7) & (size - 1) }

        subscript(node: UnsafeMutableRawPointer) -> SourceLocation? {
            get {
                guard !nodes.isEmpty else { return nil }
                let slot = Self.slot(node)
                return nodes[slot] == node ? values[slot] : nil
            }
            set {
                if nodes.isEmpty {
                    nodes = Array(repeating: nil, count: Self.size)
                    values = Array(repeating: nil, count: Self.size)
                }
                let slot = Self.slot(node)
                nodes[slot] = newValue == nil ? nil : node
                values[slot] = newValue
            }
        }
    }

    /// Where a node starts: file, line, and the column of its `<name`, found in the source text.
    func location(of node: xmlNodePtr) -> SourceLocation {
        if let known = locations[UnsafeMutableRawPointer(node)] { return known }
        let location = findLocation(of: node)
        locations[UnsafeMutableRawPointer(node)] = location
        return location
    }

    private func findLocation(of node: xmlNodePtr) -> SourceLocation {
        let origin = origin(of: node)
        let file = origin.map { files[$0.file] } ?? file
        let line = origin?.line ?? Int(xmlGetLineNo(node))
        guard node.pointee.type == XML_ELEMENT_NODE, line > 0 else {
            return SourceLocation(file: file, line: max(line, 0), column: line > 0 ? 1 : 0)
        }
        // `<prefix:name` as bytes, in a buffer kept for the next element: no Strings made.
        tagPattern.removeAll(keepingCapacity: true)
        tagPattern.append(UInt8(ascii: "<"))
        if let prefix = node.pointee.ns?.pointee.prefix {
            Self.append(prefix, to: &tagPattern)
            tagPattern.append(UInt8(ascii: ":"))
        }
        Self.append(node.pointee.name, to: &tagPattern)
        return sources.locateElement(tagPattern, endingAtLine: line, in: file)
    }

    private var tagPattern: [UInt8] = []

    private static func append(_ string: UnsafePointer<xmlChar>, to bytes: inout [UInt8]) {
        var index = 0
        while string[index] != 0 {
            bytes.append(string[index])
            index += 1
        }
    }

    /// Serialises the document as UTF-8 (tests and debugging).
    public func serialized() -> String {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(doc, &buffer, &size, "UTF-8", 1)
        return consumeXMLString(buffer) ?? ""
    }
}
