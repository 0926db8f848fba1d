import Foundation
import TaizhangDiagnostics
import Testing

@testable import TaizhangXML

/// A throw-away folder with the given files.
func temporaryTree(_ files: [String: String]) throws -> String {
    let root = NSTemporaryDirectory() + "taizhang-xml-\(UUID().uuidString)"
    for (path, content) in files {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
}

@Suite struct XMLIncludeTests {
    let xi = "xmlns:xi=\"http://www.w3.org/2001/XInclude\""

    @Test func includedElementsKnowTheirFileAndLine() throws {
        let root = try temporaryTree([
            "main.xml": "<main \(xi)>\n  <xi:include href=\"parts/a.xml\"/>\n  <own/>\n</main>\n",
            "parts/a.xml": "<?xml version=\"1.0\"?>\n<!-- part -->\n<part>\n  <xi:include \(xi) href=\"b.xml\"/>\n  <leaf/>\n</part>\n",
            "parts/b.xml": "<inner>\n\n\n    <deep/>\n</inner>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(document.processXIncludes(within: root).isEmpty)
        let top = try #require(document.root)
        #expect(top.children.map(\.name) == ["part", "own"])
        let part = top.children[0]
        #expect(part.location == SourceLocation(file: root + "/parts/a.xml", line: 3, column: 1))
        #expect(part.children.map(\.name) == ["inner", "leaf"])
        #expect(part.children[0].children[0].location == SourceLocation(file: root + "/parts/b.xml", line: 4, column: 5))
        #expect(part.children[1].location == SourceLocation(file: root + "/parts/a.xml", line: 5, column: 3))
        #expect(top.children[1].location == SourceLocation(file: root + "/main.xml", line: 3, column: 3))
    }

    @Test func errorsInIncludedFilesNameThatFile() throws {
        let root = try temporaryTree([
            "main.xml": "<main \(xi)>\n  <xi:include href=\"a.xml\"/>\n</main>\n",
            "a.xml": "<part>\n  <unclosed>\n</part>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        let diagnostics = document.processXIncludes(within: root)
        #expect(diagnostics.first?.rendered(relativeTo: root) == "a.xml:3:8: error: Opening and ending tag mismatch: unclosed line 2 and part [xml.syntax]")
    }

    @Test func includesOutsideTheWorkspaceAreRefused() throws {
        let root = try temporaryTree([
            "ws/main.xml":
                "<main \(xi)>\n  <xi:include href=\"../secret.xml\"/>\n  <xi:include href=\"/etc/passwd\" parse=\"text\"/>\n  <xi:include href=\"file:///etc/hostname\"/>\n  <xi:include href=\"missing.xml\"/>\n</main>\n",
            "secret.xml": "<secret>do not read</secret>",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/ws/main.xml").document)
        let rendered = document.processXIncludes(within: root + "/ws").map { $0.rendered(relativeTo: root + "/ws") }
        #expect(
            rendered == [
                "main.xml:2:15: error: xi:include href \"../secret.xml\" points outside the workspace [xml.xinclude-outside]",
                "main.xml:3:15: error: xi:include parse=\"text\" is not supported; only XML files can be included [xml.xinclude]",
                "main.xml:4:15: error: xi:include href \"file:///etc/hostname\" must be a relative path inside the workspace [xml.xinclude-outside]",
                "main.xml:5:15: error: included file \"missing.xml\" not found [xml.xinclude-missing]",
            ])
        #expect(!document.serialized().contains("do not read"))
    }

    @Test func includeCyclesAreReported() throws {
        let root = try temporaryTree([
            "main.xml": "<main \(xi)>\n  <xi:include href=\"a.xml\"/>\n</main>\n",
            "a.xml": "<a \(xi)>\n  <xi:include href=\"main.xml\"/>\n</a>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        let ids = document.processXIncludes(within: root).map(\.id)
        #expect(ids == ["xml.xinclude-cycle"])
    }
}
