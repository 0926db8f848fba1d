import CLibXML2
import TaizhangDiagnostics

/// An XPath expression that libxml2 could not compile or evaluate.
public struct XPathError: Error, CustomStringConvertible, Sendable {
    public let expression: String
    public let message: String
    public var description: String { "invalid XPath \"\(expression)\": \(message)" }
}

extension XMLDocument {
    /// Evaluates an XPath expression and returns the element nodes it selects, in document order.
    ///
    /// - Parameters:
    ///   - expression: the XPath 1.0 expression.
    ///   - context: the context node; the document when nil.
    ///   - namespaces: prefix → URI bindings usable in the expression.
    public func select(_ expression: String, from context: XMLElement? = nil, namespaces: [String: String] = [:]) throws(XPathError) -> [XMLElement] {
        XMLLibrary.ensureInitialized()
        guard let xpath = xmlXPathNewContext(doc) else { throw XPathError(expression: expression, message: "out of memory") }
        defer { xmlXPathFreeContext(xpath) }
        for (prefix, uri) in namespaces.sorted(by: { $0.key < $1.key }) {
            _ = withXMLChar(prefix) { p in withXMLChar(uri) { u in xmlXPathRegisterNs(xpath, p, u) } }
        }
        if let context { xpath.pointee.node = context.node }
        let collector = ErrorCollector(fallbackFile: file)
        let result = withThreadErrors(collector, id: "xml.xpath") {
            withXMLChar(expression) { xmlXPathEvalExpression($0, xpath) }
        }
        guard let result else {
            let message = collector.diagnostics.first?.message ?? "the expression could not be evaluated"
            throw XPathError(expression: expression, message: message)
        }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
        var elements: [XMLElement] = []
        for i in 0..<Int(set.pointee.nodeNr) {
            if let node = set.pointee.nodeTab[i], node.pointee.type == XML_ELEMENT_NODE {
                elements.append(XMLElement(node: node, document: self))
            }
        }
        return elements
    }

    /// Evaluates an XPath expression to a string (`string(...)`, `count(...)` and the like).
    public func evaluate(_ expression: String, from context: XMLElement? = nil) throws(XPathError) -> String {
        XMLLibrary.ensureInitialized()
        guard let xpath = xmlXPathNewContext(doc) else { throw XPathError(expression: expression, message: "out of memory") }
        defer { xmlXPathFreeContext(xpath) }
        if let context { xpath.pointee.node = context.node }
        let collector = ErrorCollector(fallbackFile: file)
        let result = withThreadErrors(collector, id: "xml.xpath") {
            withXMLChar(expression) { xmlXPathEvalExpression($0, xpath) }
        }
        guard let result else {
            throw XPathError(expression: expression, message: collector.diagnostics.first?.message ?? "the expression could not be evaluated")
        }
        defer { xmlXPathFreeObject(result) }
        return consumeXMLString(xmlXPathCastToString(result)) ?? ""
    }
}
