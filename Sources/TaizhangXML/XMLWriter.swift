import CLibXML2

/// Writes an XML document in UTF-8 through libxml2's text writer, indented two spaces.
/// Output is deterministic: attributes are written in the order given.
public final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var finished = false

    public init() {
        XMLLibrary.ensureInitialized()
        buffer = xmlBufferCreate()
        writer = xmlNewTextWriterMemory(buffer, 0)
        xmlTextWriterSetIndent(writer, 1)
        _ = withXMLChar("  ") { xmlTextWriterSetIndentString(writer, $0) }
        xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
    }

    deinit {
        if !finished { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    public func startElement(_ name: String) {
        _ = withXMLChar(name) { xmlTextWriterStartElement(writer, $0) }
    }

    public func attribute(_ name: String, _ value: String) {
        _ = withXMLChar(name) { n in withXMLChar(value) { v in xmlTextWriterWriteAttribute(writer, n, v) } }
    }

    public func text(_ value: String) {
        _ = withXMLChar(value) { xmlTextWriterWriteString(writer, $0) }
    }

    public func endElement() {
        xmlTextWriterEndElement(writer)
    }

    /// `<name attr="…">text</name>` in one call.
    public func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text value: String? = nil) {
        startElement(name)
        for (key, attributeValue) in attributes { attribute(key, attributeValue) }
        if let value { text(value) }
        endElement()
    }

    /// Closes every open element and returns the document's bytes.
    public func finish() -> [UInt8] {
        precondition(!finished, "XMLWriter.finish() called twice")
        xmlTextWriterEndDocument(writer)
        xmlFreeTextWriter(writer)
        finished = true
        let count = Int(xmlBufferLength(buffer))
        guard count > 0, let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: count))
    }
}
