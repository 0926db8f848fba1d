import TaizhangDiagnostics
import Testing

@testable import TaizhangXML

/// The position cache must never answer for a node it was not given.
struct LocationCacheTests {
    @Test func answersOnlyForTheNodeStoredInASlot() throws {
        var cache = XMLDocument.LocationCache()
        let a = try #require(UnsafeMutableRawPointer(bitPattern: 0x10000))
        let sameSlot = try #require(UnsafeMutableRawPointer(bitPattern: 0x10000 + 64 * 128))
        let otherSlot = try #require(UnsafeMutableRawPointer(bitPattern: 0x10080))
        #expect(cache[a] == nil)
        cache[a] = SourceLocation(file: "a.xml", line: 1, column: 2)
        cache[otherSlot] = SourceLocation(file: "b.xml", line: 3, column: 4)
        #expect(cache[a] == SourceLocation(file: "a.xml", line: 1, column: 2))
        #expect(cache[sameSlot] == nil)
        cache[sameSlot] = SourceLocation(file: "c.xml", line: 5, column: 6)
        #expect(cache[a] == nil)
        #expect(cache[sameSlot] == SourceLocation(file: "c.xml", line: 5, column: 6))
        #expect(cache[otherSlot] == SourceLocation(file: "b.xml", line: 3, column: 4))
    }
}

/// Origins of included elements live in the node itself: what is stored is read back,
/// including an unknown line and large values, and a node never given one has none.
struct NodeOriginTests {
    @Test func originsRoundTripThroughTheNode() throws {
        let document = try #require(XMLDocument.parse(string: "<a><b/><c/></a>", file: "a.xml").document)
        let root = try #require(document.root)
        let children = root.children
        #expect(document.origin(of: root.node) == nil)
        document.setOrigin(XMLDocument.Origin(file: 3, line: 70_000), of: children[0].node)
        document.setOrigin(XMLDocument.Origin(file: 0, line: nil), of: children[1].node)
        #expect(document.origin(of: children[0].node).map { [$0.file, $0.line] } == [3, 70_000])
        #expect(document.origin(of: children[1].node).map { [$0.file, $0.line] } == [0, nil])
        document.setOrigin(XMLDocument.Origin(file: 1_000, line: 0), of: root.node)
        #expect(document.origin(of: root.node).map { [$0.file, $0.line] } == [1_000, 0])
        document.setOrigin(nil, of: root.node)
        #expect(document.origin(of: root.node) == nil)
    }
}
