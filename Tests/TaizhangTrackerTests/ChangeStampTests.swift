import Foundation
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// Issue #15: `generate` skips a run when the tracker's change stamp is as before, so the stamp
/// must change with everything a pack shows from the tracker, on every backend, and only then.
@Suite struct ChangeStampTests {
    @Test(arguments: Backend.available) func theStampChangesWithEveryChangeAPackShowsAndOnlyThen(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        var seen: [String] = []
        func stamp() throws -> String { try Tracker.changeStamp(of: f.store) }
        func expectNew(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let now = try stamp()
            #expect(!seen.contains(now), "\(what) left the stamp as it was", sourceLocation: sourceLocation)
            seen.append(now)
        }
        try expectNew("the start")
        #expect(try stamp() == seen.last, "reading changed the stamp")
        #expect(try Tracker.changeStamp(of: f.secondStore()) == seen.last, "another process sees another stamp")
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        try expectNew("a tick")
        f.clock.addTimeInterval(60)
        try f.tracker.untick(item: "01.06", unit: "wutongshan", by: "p13")
        try expectNew("an undo")
        let task = try #require(try f.store.tasks().first)
        try f.tracker.setTask(task.id, to: .done, by: "p03")
        try expectNew("a task done")
        try f.store.setMockMeasure(MockMeasure(key: ItemKey(unit: "wutongshan", item: "01.06"), cases: 3, rate: nil, actor: "p03", at: f.clock))
        try expectNew("a mock measure")
        _ = try f.store.recordScan(at: f.clock, scope: nil, files: 0, upserts: [], removed: [], changes: [], hashed: 0)
        try expectNew("a scan")
        _ = try? f.tracker.tick(item: "01.06", unit: "dawang", by: "p13")  // refused: logged, nothing a pack shows
        #expect(try stamp() == seen.last)
    }
}
