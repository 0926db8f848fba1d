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
