import Foundation
import TaizhangDiagnostics
import Testing

@testable import TaizhangXML

/// Hostile includes from the hardening review (issue #18 items 1, 8 and 11).
@Suite struct XMLHostileIncludeTests {
    static let xi = "xmlns:xi=\"http://www.w3.org/2001/XInclude\""

    /// l2 … l8 each include the next file ten times, l9 is one element: 2.5 KB on disk,
    /// 10^7 copies once expanded.
    static func bomb() -> [String: String] {
        var files = ["main.xml": "<main \(xi)>\n  <xi:include href=\"bomb/l2.xml\"/>\n</main>\n"]
        for level in 2...8 {
            let includes = String(repeating: "  <xi:include href=\"l\(level + 1).xml\"/>\n", count: 10)
            files["bomb/l\(level).xml"] = "<l\(level) \(xi)>\n\(includes)</l\(level)>\n"
        }
        files["bomb/l9.xml"] = "<l9>boom</l9>\n"
        return files
    }

    /// Parses `main`, expands its includes within `workspace`, and renders the diagnostics.
    static func expand(_ main: String, within workspace: String) throws -> (rendered: [String], document: XMLDocument) {
        let document = try #require(XMLDocument.parse(file: main).document)
        let rendered = document.processXIncludes(within: workspace).map { $0.rendered(relativeTo: workspace) }
        return (rendered, document)
    }

    @Test func anIncludeBombIsRefusedBeforeExpansion() throws {
        let root = try temporaryTree(Self.bomb())
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        let started = Date()
        let rendered = document.processXIncludes(within: root).map { $0.rendered(relativeTo: root) }
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(
            rendered == [
                "bomb/l3.xml:11:15: error: xi:include of \"l4.xml\" makes the expanded checklists larger than 1000000 elements; include fewer copies or split the files differently [xml.xinclude-too-large]"
            ])
        #expect(document.root?.children.first?.name == "include", "nothing was expanded")
    }

    @Test func aFileIncludedManyTimesWithinTheLimitIsFine() throws {
        var files = Self.bomb()
        files["main.xml"] = "<main \(Self.xi)>\n  <xi:include href=\"bomb/l6.xml\"/>\n</main>\n"
        let root = try temporaryTree(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(document.processXIncludes(within: root).isEmpty)
        #expect(document.serialized().components(separatedBy: "<l9>").count - 1 == 1000)
    }

    /// The expansion limit counts the bytes each file holds: of the file a symbolic link
    /// leads to, not of the link.
    @Test func anIncludedFileCountsWithTheBytesItHolds() throws {
        let body = "<entry>" + String(repeating: "x", count: 5000) + "</entry>\n"
        let root = try temporaryTree(["main.xml": "<main \(Self.xi)>\n  <xi:include href=\"link.xml\"/>\n</main>\n", "parts/real.xml": body])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/link.xml", withDestinationPath: "parts/real.xml")
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        var check = XMLDocument.IncludeCheck(root: root, master: document)
        check.visit(document, path: root + "/main.xml", stack: [])
        #expect(check.diagnostics.isEmpty)
        #expect(check.files[root + "/link.xml"]?.bytes == body.utf8.count)
    }

    @Test func aSymlinkInsideTheWorkspaceCannotReachOutside() throws {
        let root = try temporaryTree([
            "ws/main.xml": "<main \(Self.xi)>\n  <xi:include href=\"link/secret.xml\"/>\n  <xi:include href=\"inner/ok.xml\"/>\n</main>\n",
            "ws/parts/ok.xml": "<ok/>\n",
            "elsewhere/secret.xml": "<secret>do not read</secret>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/ws/link", withDestinationPath: root + "/elsewhere")
        try FileManager.default.createSymbolicLink(atPath: root + "/ws/inner", withDestinationPath: "parts")
        let (rendered, document) = try Self.expand(root + "/ws/main.xml", within: root + "/ws")
        #expect(
            rendered == [
                "main.xml:2:15: error: xi:include href \"link/secret.xml\" points outside the workspace (through a symbolic link) [xml.xinclude-outside]"
            ])
        #expect(!document.serialized().contains("do not read"))
    }

    @Test func xmlBaseCannotRedirectAnInclude() throws {
        let root = try temporaryTree([
            "ws/main.xml": "<main \(Self.xi)>\n  <xi:include xml:base=\"/elsewhere/\" href=\"secret.xml\"/>\n  <wrap xml:base=\"../\">\n    <xi:include href=\"secret.xml\"/>\n  </wrap>\n</main>\n",
            "ws/secret.xml": "<decoy/>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (rendered, _) = try Self.expand(root + "/ws/main.xml", within: root + "/ws")
        #expect(
            rendered == [
                "main.xml:2:3: error: xml:base is not allowed in checklists (it would change where xi:include reads from) [xml.xinclude-outside]",
                "main.xml:3:3: error: xml:base is not allowed in checklists (it would change where xi:include reads from) [xml.xinclude-outside]",
            ])
    }

    @Test func percentEncodedDotsAreRefusedEvenBesideAFolderOfThatName() throws {
        let root = try temporaryTree([
            "ws/main.xml": "<main \(Self.xi)>\n  <xi:include href=\"%2e%2e/%2e%2e/secret.xml\"/>\n</main>\n",
            "ws/%2e%2e/%2e%2e/secret.xml": "<decoy/>\n",
            "secret.xml": "<secret>do not read</secret>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (rendered, document) = try Self.expand(root + "/ws/main.xml", within: root + "/ws")
        #expect(
            rendered == [
                "main.xml:2:15: error: xi:include href \"%2e%2e/%2e%2e/secret.xml\" uses %-escapes; write the file name as it is [xml.xinclude-outside]"
            ])
        #expect(!document.serialized().contains("do not read"))
    }

    @Test func lineNumbersPast65535SurviveInIncludedFiles() throws {
        let padding = String(repeating: "\n", count: 70_000)
        let root = try temporaryTree([
            "main.xml": "<main \(Self.xi)>\n  <xi:include href=\"big.xml\"/>\n</main>\n",
            "big.xml": "<big>\(padding)  <late>\n    <later/>\n  </late>\n</big>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(document.processXIncludes(within: root).isEmpty)
        let late = try #require(document.root?.children.first?.children.first)
        #expect(late.location == SourceLocation(file: root + "/big.xml", line: 70_001, column: 3))
        #expect(late.children.first?.location == SourceLocation(file: root + "/big.xml", line: 70_002, column: 5))
    }

    @Test func aGBKDeclarationOnUTF8BytesIsIgnored() throws {
        let root = try temporaryTree([
            "main.xml": "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<main \(Self.xi) name=\"东湖街道\">\n  <xi:include href=\"part.xml\"/>\n</main>\n",
            "part.xml": "<?xml version=\"1.0\" encoding=\"GB2312\"?>\n<part>梧桐山社区</part>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (rendered, document) = try Self.expand(root + "/main.xml", within: root)
        #expect(rendered == [])
        #expect(document.root?.attribute("name") == "东湖街道")
        #expect(document.root?.children.first?.text == "梧桐山社区")
    }
}
