import CLibXML2
import TaizhangDiagnostics

/// An element of an `XMLDocument`. Valid while its document is alive (it keeps it alive).
public struct XMLElement {
    let node: xmlNodePtr
    public let document: XMLDocument

    init(node: xmlNodePtr, document: XMLDocument) {
        self.node = node
        self.document = document
    }

    /// The local name, without any namespace prefix.
    public var name: String { String(cString: node.pointee.name) }

    /// The namespace URI, if the element has one.
    public var namespaceURI: String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// The value of an attribute without namespace, or nil when it is absent.
    ///
    /// Reads a value held in one text node in place, as `xmlGetNoNsProp` does before it copies
    /// it: the model reads tens of thousands of attributes, and each copy was a malloc and a free.
    public func attribute(_ name: String) -> String? {
        withXMLChar(name) { wanted in
            var attr = node.pointee.properties
            while let current = attr {
                if current.pointee.ns == nil, xmlStrEqual(current.pointee.name, wanted) != 0 {
                    if let text = current.pointee.children, text.pointee.next == nil,
                        text.pointee.type == XML_TEXT_NODE || text.pointee.type == XML_CDATA_SECTION_NODE, let content = text.pointee.content
                    {
                        return String(cString: content)
                    }
                    break
                }
                attr = current.pointee.next
            }
            return consumeXMLString(xmlGetNoNsProp(node, wanted))
        }
    }

    /// Whether the element's local name is `name` (compared as bytes, no String made).
    func isNamed(_ name: String) -> Bool {
        withXMLChar(name) { xmlStrEqual(node.pointee.name, $0) != 0 }
    }

    /// Appends the child elements in reverse document order (for a depth-first walk with a stack).
    func appendChildrenReversed(to stack: inout [XMLElement]) {
        var child = node.pointee.last
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { stack.append(XMLElement(node: current, document: document)) }
            child = current.pointee.prev
        }
    }

    /// Whether the element carries `xml:base` (which would redirect relative references).
    public var hasXMLBase: Bool {
        withXMLChar("base") { name in
            withXMLChar("http://www.w3.org/XML/1998/namespace") { ns in xmlHasNsProp(node, name, ns) != nil }
        }
    }

    /// The line libxml2 recorded for the element (lines above 65,535 included).
    var lineNumber: Int { Int(xmlGetLineNo(node)) }

    /// All attributes in document order.
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attr = node.pointee.properties
        while let current = attr {
            let name = String(cString: current.pointee.name)
            let value = consumeXMLString(xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1)) ?? ""
            result.append((name, value))
            attr = current.pointee.next
        }
        return result
    }

    /// Child elements in document order (XInclude markers and text are skipped).
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(XMLElement(node: current, document: document))
            }
            child = current.pointee.next
        }
        return result
    }

    /// Child elements with a given local name.
    public func children(named name: String) -> [XMLElement] {
        var result: [XMLElement] = []
        eachChild(named: name) {
            result.append(XMLElement(node: $0, document: document))
            return true
        }
        return result
    }

    /// The first child element with a given local name.
    public func child(named name: String) -> XMLElement? {
        var found: XMLElement?
        eachChild(named: name) {
            found = XMLElement(node: $0, document: document)
            return false
        }
        return found
    }

    /// Calls `body` with each child element named `name`, in document order, until it returns
    /// false. Names are compared as bytes, without making a String of every child's name: the
    /// model asks for children by name for every element of a workspace.
    private func eachChild(named name: String, _ body: (xmlNodePtr) -> Bool) {
        withXMLChar(name) { wanted in
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(current.pointee.name, wanted) != 0, !body(current) { return }
                child = current.pointee.next
            }
        }
    }

    /// The text content of the element and its descendants.
    public var text: String { consumeXMLString(xmlNodeGetContent(node)) ?? "" }

    /// Where the element's start tag begins, in the file it came from (XInclude-aware).
    public var location: SourceLocation { document.location(of: node) }

    /// Where an attribute of this element is written; the element's own location if not found.
    public func location(ofAttribute name: String) -> SourceLocation {
        document.sources.locateAttribute(name, from: location)
    }
}
