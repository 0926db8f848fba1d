import Foundation
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

@testable import TaizhangXML

/// The fixtures folder next to this file.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

@Suite struct XMLParsingTests {
    @Test func parsesElementsAttributesAndLines() throws {
        let result = XMLDocument.parse(string: "<a x=\"1\">\n  <b>文本</b>\n  <b y='2'/>\n</a>\n", file: "mem.xml")
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.document?.root)
        #expect(root.name == "a")
        #expect(root.attribute("x") == "1")
        #expect(root.attribute("missing") == nil)
        #expect(root.children.map(\.name) == ["b", "b"])
        #expect(root.children[0].text == "文本")
        #expect(root.children[1].location.line == 3)
        #expect(root.children[1].attributes.map(\.name) == ["y"])
    }

    /// Columns count Unicode scalars; a start tag spread over lines is found where its `<name`
    /// is (libxml2 gives lines only, so two elements on one line both get the last one); an
    /// attribute where it is written. CRLF files too (they were one long line to the locator).
    @Test func elementsAndAttributesAreLocatedByLineAndColumn() throws {
        let text = "<a>\n  <b t=\"文本\"/><b\n      x=\"1\"  y=\"2\"/>\n  <c>社区</c><c/>\n</a>\n"
        for (name, newline) in [("lf.xml", "\n"), ("crlf.xml", "\r\n")] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-\(UUID().uuidString)-\(name)").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            try text.replacingOccurrences(of: "\n", with: newline).write(toFile: file, atomically: true, encoding: .utf8)
            let root = try #require(XMLDocument.parse(file: file).document?.root)
            let b = root.children(named: "b"), c = root.children(named: "c")
            #expect(b[0].location == SourceLocation(file: file, line: 2, column: 14), "\(name)")
            #expect(b[1].location == SourceLocation(file: file, line: 2, column: 14), "\(name)")
            #expect(b[1].location(ofAttribute: "x") == SourceLocation(file: file, line: 3, column: 7), "\(name)")
            #expect(b[1].location(ofAttribute: "y") == SourceLocation(file: file, line: 3, column: 14), "\(name)")
            #expect(b[1].location(ofAttribute: "z") == b[1].location, "\(name)")
            #expect(c[1].location == SourceLocation(file: file, line: 4, column: 12), "\(name)")
        }
    }

    @Test func reportsSyntaxErrorsWithFileLineAndColumn() {
        let result = XMLDocument.parse(string: "<a>\n  <b></c>\n</a>\n", file: "broken.xml")
        #expect(result.document == nil)
        let first = result.diagnostics.first
        #expect(first?.severity == .error)
        #expect(first?.location == SourceLocation(file: "broken.xml", line: 2, column: 10))
        #expect(first?.rendered() == "broken.xml:2:10: error: Opening and ending tag mismatch: b line 2 and c [xml.syntax]")
    }

    @Test func linesAbove65535AreExact() throws {
        let padding = String(repeating: "\n", count: 70_000)
        let result = XMLDocument.parse(string: "<a>\(padding)<b/>\(padding)<c></d></a>", file: "long.xml")
        #expect(result.document == nil)
        #expect(result.diagnostics.first?.location?.line == 140_001)
        let ok = XMLDocument.parse(string: "<a>\(padding)<b/></a>", file: "long.xml")
        #expect(try #require(ok.document?.root).children.first?.location.line == 70_001)
    }

    @Test func missingFileIsAClearError() {
        let result = XMLDocument.parse(file: "/nonexistent/taizhang.xml")
        #expect(result.diagnostics.map { $0.rendered() } == ["/nonexistent/taizhang.xml: error: file not found [xml.file-not-found]"])
    }

    /// A FIFO in a checklist's place would make a reader wait for a writer forever.
    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let folder = try TemporaryDirectory("fifo")
        let path = folder.path + "/taizhang.xml"
        try #require(mkfifo(path, 0o600) == 0)
        #expect(
            XMLDocument.parse(file: path).diagnostics.map { $0.rendered() } == [
                path + ": error: cannot read the file: not a regular file (a FIFO, socket or device) [xml.unreadable]"
            ])
    }

    @Test func anEmptyFileIsReportedByLibxml2() throws {
        let folder = try TemporaryDirectory("empty")
        let path = folder.path + "/taizhang.xml"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(XMLDocument.parse(file: path).diagnostics.map { $0.rendered() } == [path + ":1:1: error: Document is empty [xml.syntax]"])
        #expect(XMLDocument.parse(string: "", file: "mem.xml").diagnostics.map { $0.rendered() } == ["mem.xml:1:1: error: Document is empty [xml.syntax]"])
    }

    /// A file over the limit is refused by its size, before it is read.
    @Test func readingRefusesAFileOverTheLimit() throws {
        let folder = try TemporaryDirectory("limit")
        let path = folder.path + "/a.xml"
        try Data(repeating: 0x41, count: 100).write(to: URL(fileURLWithPath: path))
        #expect(throws: SourceTextCache.ReadError.self) { try SourceTextCache.read(path, limit: 99) }
        #expect(try SourceTextCache.read(path, limit: 100).count == 100)
        #expect(try SourceTextCache.read(path).count == 100)
    }

    @Test func externalEntityIsRefusedAndNothingLeaks() {
        let path = fixtures + "/xxe.xml"
        let clock = ContinuousClock()
        var result: XMLDocument.ParseResult?
        let elapsed = clock.measure { result = XMLDocument.parse(file: path) }
        #expect(elapsed < .seconds(1))
        #expect(result?.document == nil)
        let rendered = result?.diagnostics.map { $0.rendered() } ?? []
        #expect(rendered == [path + ":2:1: error: DOCTYPE declarations are not allowed (entities could read other files or expand without limit) [xml.doctype-forbidden]"])
        #expect(!rendered.joined().contains("root:"))
    }

    @Test func billionLaughsIsRefusedQuickly() {
        let path = fixtures + "/billion-laughs.xml"
        let clock = ContinuousClock()
        var result: XMLDocument.ParseResult?
        let elapsed = clock.measure { result = XMLDocument.parse(file: path) }
        #expect(elapsed < .seconds(1))
        #expect(result?.document == nil)
        #expect(result?.diagnostics.map(\.id) == ["xml.doctype-forbidden"])
    }

    @Test func oversizedFilesAreRefusedBeforeParsing() throws {
        let folder = try TemporaryDirectory("huge")
        let path = folder.path + "/huge.xml"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(XMLDocument.maximumFileSize + 1))
        try handle.close()
        let result = XMLDocument.parse(file: path)
        #expect(result.document == nil)
        #expect(result.diagnostics.map(\.id) == ["xml.too-large"])
    }
}
