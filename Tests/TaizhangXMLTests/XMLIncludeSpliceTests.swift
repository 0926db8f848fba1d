import CLibXML2
import Foundation
import TaizhangDiagnostics
import Testing

@testable import TaizhangXML

/// `processXIncludes` splices in the documents its pre-check parsed instead of letting libxml2
/// parse every included file a second time; the tree must be the one libxml2 builds.
@Suite struct XMLIncludeSpliceTests {
    let xi = "xmlns:xi=\"http://www.w3.org/2001/XInclude\""

    /// Nested includes, a file included twice, top-level comments and processing instructions,
    /// whitespace inside an include, a namespace declared on an included root, text content.
    func workspace() throws -> String {
        try temporaryTree([
            "main.xml":
                "<main \(xi)>\n  <xi:include href=\"parts/a.xml\">\n  </xi:include>\n  <own>text &amp; more</own>\n  <xi:include href=\"parts/b.xml\"/>\n  <xi:include href=\"parts/a.xml\"/>\n</main>\n",
            "parts/a.xml":
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- part -->\n<?note keep?>\n<part xmlns:x=\"urn:x\" x:flag=\"1\">\n  <xi:include \(xi) href=\"b.xml\"/>\n  <leaf name=\"甲\">叶</leaf>\n</part>\n<!-- after -->\n",
            "parts/b.xml": "<inner>\n  <deep a=\"1\" b=\"2\"/>\n</inner>\n",
        ])
    }

    /// Every node in document order: type, name, namespace, attributes and content.
    func dump(_ doc: xmlDocPtr) -> [String] {
        var lines: [String] = []
        func visit(_ first: xmlNodePtr?, depth: Int) {
            var node = first
            while let current = node {
                var line = String(repeating: " ", count: depth) + "\(current.pointee.type.rawValue)"
                if let name = current.pointee.name { line += " " + String(cString: name) }
                if let href = current.pointee.ns?.pointee.href { line += " {" + String(cString: href) + "}" }
                var attribute = current.pointee.type == XML_ELEMENT_NODE ? current.pointee.properties : nil
                while let a = attribute {
                    let value = consumeXMLString(xmlNodeListGetString(doc, a.pointee.children, 1)) ?? ""
                    line += " @" + String(cString: a.pointee.name) + "=" + value
                    attribute = a.pointee.next
                }
                if let content = current.pointee.content { line += " \"" + String(cString: content) + "\"" }
                lines.append(line)
                if current.pointee.type != XML_ATTRIBUTE_NODE { visit(current.pointee.children, depth: depth + 1) }
                node = current.pointee.next
            }
        }
        visit(doc.pointee.children, depth: 0)
        return lines
    }

    @Test func theSplicedTreeIsTheTreeLibxml2Builds() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ours = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(ours.processXIncludes(within: root).isEmpty)
        let theirs = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(xmlXIncludeProcessFlags(theirs.doc, XMLLibrary.parseOptions | XMLLibrary.ignoreDeclaredEncoding) > 0)
        #expect(dump(ours.doc) == dump(theirs.doc))
        #expect(ours.serialized() == theirs.serialized())
        #expect(dump(ours.doc).contains { $0.contains("\"叶\"") })
        // Positions still come from the files: the second copy of a.xml's leaf is on its line 6.
        let top = try #require(ours.root)
        #expect(top.children.map(\.name) == ["part", "own", "inner", "part"])
        #expect(top.children[3].children[1].location == SourceLocation(file: root + "/parts/a.xml", line: 6, column: 3))
        #expect(top.children[3].children[0].children[0].location == SourceLocation(file: root + "/parts/b.xml", line: 2, column: 3))
    }

    @Test func includedFilesAreNotReadAgainAfterThePreCheck() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        var check = XMLDocument.IncludeCheck(root: root)
        check.visit(document, path: root + "/main.xml", stack: [])
        #expect(check.diagnostics.isEmpty)
        try FileManager.default.removeItem(atPath: root + "/parts")
        #expect(document.splice(check))
        #expect(document.serialized().contains("<leaf name=\"甲\">叶</leaf>"))
    }

    @Test func fallbacksAreLeftToLibxml2() throws {
        let root = try temporaryTree([
            "main.xml": "<main \(xi)>\n  <xi:include href=\"a.xml\"><xi:fallback><none/></xi:fallback></xi:include>\n</main>\n",
            "a.xml": "<part/>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(XMLDocument.plainIncludes(of: document.doc) == nil)
        #expect(document.processXIncludes(within: root).isEmpty)
        #expect(try #require(document.root).children.map(\.name) == ["part"])
    }

    /// Files included once are moved, not copied (their documents share the master's names);
    /// a file whose nodes point into its own document (`xml:lang`) is still copied. Both give
    /// libxml2's tree, and positions still come from the files.
    @Test func movedNodesMakeTheSameTree() throws {
        let root = try temporaryTree([
            "main.xml": "<main \(xi)>\n  <xi:include href=\"parts/c.xml\"/>\n  <xi:include href=\"parts/e.xml\"/>\n</main>\n",
            "parts/c.xml":
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<c xmlns:x=\"urn:x\" x:flag=\"1\">\n  <xi:include \(xi) href=\"d.xml\"/>\n  <x:leaf name=\"乙\">t &amp; u</x:leaf>\n</c>\n<?after pi?>\n",
            "parts/d.xml": "<d xmlns=\"urn:d\"><deep a=\"1\"/>text</d>\n",
            "parts/e.xml": "<e xml:lang=\"zh\"><f/></e>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ours = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        var check = XMLDocument.IncludeCheck(root: root, master: ours)
        check.visit(ours, path: root + "/main.xml", stack: [])
        #expect(check.diagnostics.isEmpty)
        #expect(ours.splice(check))
        let moved = try ["c.xml", "d.xml", "e.xml"].map { try #require(check.documents[root + "/parts/" + $0]) }
        #expect(moved.map { xmlDocGetRootElement($0.doc) == nil } == [true, true, false])
        let theirs = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(xmlXIncludeProcessFlags(theirs.doc, XMLLibrary.parseOptions | XMLLibrary.ignoreDeclaredEncoding) > 0)
        #expect(dump(ours.doc) == dump(theirs.doc))
        #expect(ours.serialized() == theirs.serialized())

        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(document.processXIncludes(within: root).isEmpty)
        let deep = try #require(document.root?.children.first?.children.first?.children.first)
        #expect(deep.location == SourceLocation(file: root + "/parts/d.xml", line: 1, column: 18))
    }
}
