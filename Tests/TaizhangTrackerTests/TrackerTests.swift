import Foundation
import Synchronization
import TaizhangCore
import TaizhangTestSupport
import Testing

@testable import TaizhangTracker

let repository = Repository.root

/// A tracker over the shipped workspace and a fresh store of the given backend, with a
/// settable clock.
final class TrackerFixture: @unchecked Sendable {
    let temporary: TemporaryDirectory
    var directory: String { temporary.path }
    let workspace: Workspace
    let backend: Backend
    let store: any TrackerStore
    var clock = Date(timeIntervalSince1970: 1_417_000_000)  // 2014-11-26 19:06 +08:00

    init(_ backend: Backend = .sqlite) throws {
        temporary = try TemporaryDirectory("tracker")
        let result = WorkspaceLoader(root: repository).load()
        workspace = try #require(result.validWorkspace)
        self.backend = backend
        store = try backend.makeStore(directory: temporary.path)
        try Tracker(workspace: workspace, store: store).seedTasks()  // as the command line does on opening
    }

    /// Another store on the same data (a second process), or the same one for memory.
    func secondStore() throws -> any TrackerStore { try backend.reopen(store, directory: directory) }

    /// The SQLite store, for the tests of SQLite's own defences.
    var sqlite: SQLiteTrackerStore {
        get throws { try #require(store as? SQLiteTrackerStore) }
    }

    var tracker: Tracker { Tracker(workspace: workspace, store: store, now: { [unowned self] in self.clock }) }
}

// People of the shipped workspace used below.
// p03: preparation team. p13: lead of 梧桐山 (wutongshan), member of g2/g6. p04: g1 member.
/// The conformance suite: every rule on every backend (SQLite, in memory, PostgreSQL when a
/// server is configured, see `Backend.available`).
@Suite struct TrackerRuleTests {
    @Test(arguments: Backend.available) func theDefaultWorkspaceHasThePeopleTheseTestsAssume(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let street = f.workspace.street
        #expect(street.person("p03")?.isPreparationTeam == true)
        #expect(street.person("p13")?.community?.id == "wutongshan")
        #expect(street.person("p13")?.isPreparationTeam == false)
    }

    @Test(arguments: Backend.available) func aCommunityLeadTicksTheirCommunitysItemsAndTheLogSaysWhoWhatWhen(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let event = try #require(try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", note: "已归档9份"))
        #expect(event.old == "not-reviewed" && event.new == "ticked" && event.actor == "p13")
        #expect(event.at == f.clock)
        let record = try #require(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06")))
        #expect(record.status == .ticked && record.by == "p13" && record.note == "已归档9份")
        #expect(try f.store.events(EventFilter()).count == 1)
    }

    @Test(arguments: Backend.available) func anotherCommunitysItemIsRefusedAndTheRefusalIsLogged(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        #expect(throws: Tracker.Failure.self) { try f.tracker.tick(item: "01.06", unit: "dawang", by: "p13") }
        let events = try f.store.events(EventFilter())
        #expect(events.map(\.kind) == [.refusal])
        #expect(events.first?.unit == "dawang" && events.first?.subject == "01.06" && events.first?.actor == "p13")
        #expect(try f.tracker.record(ItemKey(unit: "dawang", item: "01.06")) == nil)
    }

    @Test(arguments: Backend.available) func streetItemsNeedTheOwningGroupOrThePreparationTeam(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let street = f.tracker.plan.units[0]
        let item = try #require(street.items.first { $0.item.group?.id == "g1" })
        let outsider = try #require(
            f.workspace.street.people.first { p in
                !p.isPreparationTeam && !f.tracker.groups(of: p).contains { $0.id == "g1" }
            })
        #expect(throws: Tracker.Failure.self) { try f.tracker.tick(item: item.item.code, unit: "street", by: outsider.id) }
        let member = try #require(f.workspace.street.group("g1")?.members.first?.id)
        #expect(try f.tracker.tick(item: item.item.code, unit: "street", by: member) != nil)
        #expect(try f.tracker.tick(item: street.items.last!.item.code, unit: "street", by: "p03") != nil)
    }

    @Test(arguments: Backend.available) func untickUndoesTheLastChange(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let t = f.tracker
        try t.tick(item: "01.06", unit: "wutongshan", by: "p13", status: .filed)
        try t.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let undo = try #require(try t.untick(item: "01.06", unit: "wutongshan", by: "p13", note: "份数不够"))
        #expect(undo.old == "ticked" && undo.new == "filed")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .filed)
        try t.untick(item: "01.06", unit: "wutongshan", by: "p13")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .notReviewed)
        #expect(try t.untick(item: "01.06", unit: "wutongshan", by: "p13") == nil)
        #expect(try f.store.events(EventFilter()).count == 4)
    }

    @Test(arguments: Backend.available) func notApplicableNeedsAReason(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        #expect(throws: Tracker.Failure.reasonRequired) { try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", status: .notApplicable) }
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", status: .notApplicable, note: "本社区无此项")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .notApplicable)
    }

    @Test(arguments: Backend.available) func unknownThingsAreClearErrors(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        #expect(throws: Tracker.Failure.unknownPerson("p999")) { try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p999") }
        #expect(throws: Tracker.Failure.unknownUnit("atlantis")) { try f.tracker.tick(item: "01.06", unit: "atlantis", by: "p03") }
        #expect(throws: Tracker.Failure.self) { try f.tracker.tick(item: "99.99", unit: "wutongshan", by: "p03") }
        // 01.15 belongs to urban-village communities only; 东乐 has none.
        #expect(throws: Tracker.Failure.self) { try f.tracker.tick(item: "01.15", unit: "dongle", by: "p03") }
    }

    @Test(arguments: Backend.available) func tasksAreSeededCompletedAndReopenedWithTheirAuthor(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let t = f.tracker
        try t.seedTasks()
        let tasks = try f.store.tasks()
        #expect(tasks.count == f.workspace.tasks.count)
        let task = try #require(tasks.first)
        let owner = task.owner
        try t.setTask(task.id, to: .done, by: owner, note: "已完成")
        let done = try #require(try f.store.tasks().first { $0.id == task.id })
        #expect(done.state == .done && done.doneBy == owner && done.doneAt == f.clock)
        try t.seedTasks()  // reseeding keeps completion
        #expect(try f.store.tasks().first { $0.id == task.id }?.state == .done)
        try t.setTask(task.id, to: .open, by: "p03")
        #expect(try f.store.tasks().first { $0.id == task.id }?.doneBy == nil)
        #expect(try f.store.events(EventFilter(kind: .task)).count == 2)
        let outsider = try #require(
            f.workspace.street.people.first { p in
                !p.isPreparationTeam && p.id != task.owner && !t.groups(of: p).contains { $0.id == task.group }
            })
        #expect(throws: Tracker.Failure.self) { try t.setTask(task.id, to: .done, by: outsider.id) }
    }

    /// `status` flags what the printed index flags: an item ticked without files (as of the last
    /// scan) is flagged, and an item marked 不适用 is complete, not missing.
    @Test func statusCountsAndFlagsFollowTheReadinessRules() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        try f.tracker.tick(item: "01.07", unit: "wutongshan", by: "p13", status: .notApplicable, note: "本社区无此项")
        let report = try StatusReport(tracker: f.tracker, today: try #require(Day("2014-11-30")))
        let counts = try #require(report.units.first { $0.id == "wutongshan" }?.counts)
        #expect(counts.flagged == 1)  // 01.06: 已勾选但无文件
        #expect(counts.complete == 1)  // 01.07: 不适用
        #expect(counts.done == 2)
    }

    /// Monthly reports due by the 10th (`dueDay`) become overdue tasks of the item's group,
    /// naming the missing month and report.
    @Test func monthlyDocumentsPastTheirDueDayAreOverdue() throws {
        let root = repository + "/Tests/TaizhangCoreTests/Fixtures/village"
        let workspace = try #require(WorkspaceLoader(root: root, schemaFile: Repository.schema).load().validWorkspace)
        let temporary = try TemporaryDirectory("village-tracker")
        let tracker = Tracker(workspace: workspace, store: try SQLiteTrackerStore(path: temporary.path + "/tracker.sqlite"))
        let report = try StatusReport(tracker: tracker, today: try #require(Day("2013-11-11")))
        let late = report.overdue.filter { $0.id.hasSuffix("/03.01") }
        #expect(late.map(\.id) == ["shangcun/03.01", "xiacun/03.01"])
        #expect(late.first?.due == "2013-11-10" && late.first?.daysOverdue == 1)
        #expect(late.first?.title == "上村 03.01 计生统计月报：缺 2013年10月 出生统计月报、2013年10月 死亡统计月报、2013年10月 流动人口月报、2013年10月 药具月报、2013年10月 孕检月报")
        #expect(report.groups.first?.overdueTasks == 2 && report.groups.first?.openTasks == 2)
        // Not yet due on the 10th itself.
        #expect(try StatusReport(tracker: tracker, today: try #require(Day("2013-11-10"))).overdue.isEmpty)
    }

    @Test(arguments: Backend.available) func statusShowsProgressCountdownAndOverdueTasks(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let today = try #require(Day("2014-11-30"))
        let report = try StatusReport(tracker: f.tracker, today: today)
        #expect(report.daysLeft == 10)
        #expect(report.units.count == 10)
        let wutongshan = try #require(report.units.first { $0.id == "wutongshan" })
        #expect(wutongshan.counts.ticked == 1)
        #expect(wutongshan.counts.items == f.tracker.plan.unit(id: "wutongshan")?.items.count)
        let expectedOverdue = f.workspace.tasks.filter { ($0.dueDay(inspection: f.workspace.street.inspectionDate) ?? today) < today }.count
        #expect(report.overdue.count == expectedOverdue)
        #expect(report.groups.count == 7)
        #expect(report.groups.reduce(0) { $0 + $1.counts.items } == f.tracker.plan.units.reduce(0) { $0 + $1.items.count })
    }

    @Test func afterInspectionDayTheCountdownSaysItHasPassedInsteadOfCountingOn() throws {
        let f = try TrackerFixture()
        let onTheDay = try StatusReport(tracker: f.tracker, today: try #require(Day("2014-12-10")))
        #expect(onTheDay.daysLeft == 0 && !onTheDay.inspectionPassed && onTheDay.countdown == "今天考核")
        let after = try StatusReport(tracker: f.tracker, today: try #require(Day("2026-11-30")))
        #expect(after.daysLeft == nil && after.inspectionPassed)
        #expect(after.countdown == "考核日已过（2014-12-10）")
        // JSON always has the key (null after the day) and reads back, with or without it.
        let json = try JSONEncoder().encode(after)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["daysLeft"] is NSNull)
        #expect(try JSONDecoder().decode(StatusReport.self, from: json).daysLeft == nil)
        #expect(try JSONDecoder().decode(StatusReport.self, from: JSONEncoder().encode(onTheDay)).daysLeft == 0)
        object.removeValue(forKey: "daysLeft")
        let withoutKey = try JSONSerialization.data(withJSONObject: object)
        #expect(try JSONDecoder().decode(StatusReport.self, from: withoutKey).daysLeft == nil)
    }

    @Test(arguments: Backend.available) func recordsOfItemsRemovedFromTheCatalogueAreKeptAndReported(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        var shrunk = f.workspace
        for c in shrunk.catalogue.categories.indices {
            for i in shrunk.catalogue.categories[c].indicators.indices {
                shrunk.catalogue.categories[c].indicators[i].items.removeAll { $0.code == "01.06" }
            }
        }
        let tracker = Tracker(workspace: shrunk, store: f.store)
        #expect(try tracker.orphanedRecords().map(\.key) == [ItemKey(unit: "wutongshan", item: "01.06")])
        #expect(try StatusReport(tracker: tracker, today: Day("2014-11-30")!).orphaned == ["wutongshan/01.06 (已确认)"])
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
    }

    @Test(arguments: Backend.available) func mockResultsMarkVerifiedOrFlaggedAndGiveAnEstimatedScore(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let scoring = MockScoring(tracker: f.tracker)
        // The estimate needs no mock result: nothing on file yet loses points by the rules.
        #expect(try scoring.estimatedScores()["wutongshan"]?.hasSuffix("/90") == true)
        try scoring.record(item: "01.06", unit: "wutongshan", result: .pass, by: "p03")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .verified)
        // Cases found in a mock inspection feed the indicator's per-case rule (6.1: 漏登 −0.1 per person).
        try scoring.record(item: "06.02", unit: "wutongshan", result: .pass, by: "p03", cases: 3)
        #expect(try f.store.mockMeasures().map { "\($0.key.unit)/\($0.key.item) \($0.cases ?? -1)" } == ["wutongshan/06.02 3"])
        let card = try #require(try scoring.scores().first { $0.unit == "wutongshan" })
        let loss = try #require(card.indicators.first { $0.code == "6.1" }?.deductions.first { $0.item == "06.02" })
        #expect(loss.amount == Decimal2("0.3"))
        #expect(loss.reason == "模拟检查发现漏登人员 3 例（06.02 每发现1例漏登人员扣0.1分）")
        #expect(try f.store.events(EventFilter(kind: .mock)).last?.note == "模拟检查通过（发现 3 例）")
        #expect(throws: MockScoring.Failure.badRate(120)) { try scoring.record(item: "06.02", unit: "wutongshan", result: .pass, by: "p03", rate: 120) }
        // A later result without a count clears it.
        try scoring.record(item: "06.02", unit: "wutongshan", result: .pass, by: "p03")
        #expect(try f.store.mockMeasures().isEmpty)
        let first = try #require(try scoring.estimatedScores()["wutongshan"])
        try scoring.record(item: "01.07", unit: "wutongshan", result: .fail, by: "p03")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.07"))?.flagged == true)
        let second = try #require(try scoring.estimatedScores()["wutongshan"])
        #expect(first != second)
        #expect(second.hasPrefix("0/"))  // 01.07 belongs to veto indicator 1.2: a fail zeroes the unit
        #expect(second.hasSuffix("（一票否决）"))
        #expect(throws: Tracker.Failure.self) { try scoring.record(item: "01.06", unit: "wutongshan", result: .pass, by: "p13") }
    }

    /// The store decides inside its write transaction whether a task changes: a second "done"
    /// that read the task before the first one wrote (a stale read) writes and logs nothing.
    @Test(arguments: Backend.available) func aStaleDoneOnATaskWritesNothing(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let first = try f.store.setTask("t-g4-01", state: .done, actor: "p03", at: f.clock, note: nil)
        #expect(first?.old == "open" && first?.new == "done")
        #expect(try f.store.setTask("t-g4-01", state: .done, actor: "p04", at: f.clock, note: nil) == nil)
        let events = try f.store.events(EventFilter(kind: .task)).filter { $0.subject == "t-g4-01" }
        #expect(events.map { "\($0.old ?? "") → \($0.new ?? "")" } == ["open → done"])
        #expect(try f.store.tasks().first { $0.id == "t-g4-01" }?.doneBy == "p03")
    }

    /// Two people marking the same task done at once: one change, one event, never done → done.
    @Test(arguments: Backend.available, 0..<3) func concurrentDoneOnATaskLogsOneChange(_ backend: Backend, _ round: Int) throws {
        let f = try TrackerFixture(backend)
        let tracker = f.tracker
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do { try tracker.setTask("t-g4-01", to: .done, by: "p03") } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 } == [])
        let events = try f.store.events(EventFilter(kind: .task)).filter { $0.subject == "t-g4-01" }
        #expect(events.map { "\($0.old ?? "") → \($0.new ?? "")" } == ["open → done"])
    }

    /// Who may record mock results follows the schema's `role="check-team"`, not the group's
    /// name or number (once "督导" in the name or number 3).
    @Test(arguments: Backend.available) func mockResultsNeedTheCheckTeamRoleNotAName(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        var workspace = f.workspace
        let index = try #require(workspace.street.groups.firstIndex { $0.id == "g3" })
        #expect(workspace.street.groups[index].role == .checkTeam)
        workspace.street.groups[index].name = "检查组"
        workspace.street.groups[index].number = 8
        let renamed = Tracker(workspace: workspace, store: f.store)
        try MockScoring(tracker: renamed).record(item: "01.06", unit: "wutongshan", result: .pass, by: "p07")  // g3 member
        workspace.street.groups[index].role = nil
        workspace.street.groups[index].name = "业务督导组"
        workspace.street.groups[index].number = 3
        let withoutRole = Tracker(workspace: workspace, store: f.store)
        #expect(throws: Tracker.Failure.self) { try MockScoring(tracker: withoutRole).record(item: "01.06", unit: "wutongshan", result: .pass, by: "p07") }
    }
}

@Suite struct TrackerStoreTests {
    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() throws {
        let path = NSTemporaryDirectory() + "taizhang-notdb-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "这不是数据库".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "这不是数据库")
    }

    @Test func anotherProgramsDatabaseIsRefusedAndLeftAlone() throws {
        let path = NSTemporaryDirectory() + "taizhang-foreign-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [path, "CREATE TABLE customers(id INTEGER, name TEXT); INSERT INTO customers VALUES (1, 'x');"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = FileManager.default.contents(atPath: path)
        #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore(path: path) }
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    @Test func aDamagedDatabaseIsRefused() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let path = f.directory + "/tracker.sqlite"
        let copy = f.directory + "/damaged.sqlite"
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes.replaceSubrange(100..<min(bytes.count, 4096), with: Data(repeating: 0xAB, count: min(bytes.count, 4096) - 100))
        try bytes.write(to: URL(fileURLWithPath: copy))
        #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore(path: copy) }
    }

    /// Eight openers of a database that does not exist yet: creating it, switching it to WAL
    /// and migrating it must not fail with "database is locked" or "table already exists".
    @Test(arguments: 0..<10) func eightOpenersOfAFreshFileAllSucceed(_ round: Int) throws {
        let directory = NSTemporaryDirectory() + "taizhang-open-\(round)-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do { _ = try SQLiteTrackerStore(path: directory + "/tracker.sqlite") } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 } == [])
    }

    @Test func theAuditTrailCannotBeRewritten() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [f.directory + "/tracker.sqlite", "DELETE FROM event;"]
        sqlite.standardError = Pipe()
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus != 0)
        #expect(try f.store.events(EventFilter()).count == 1)
    }
}

/// `unitsWithChanges(for:)` finds each person's groups once; it must still agree with asking
/// `mayChange` item by item, for every person of the shipped workspace.
@Suite struct UnitsWithChangesTests {
    @Test func theUnitsAPersonMayChangeAreThoseWithAnItemMayChangeAllows() throws {
        let f = try TrackerFixture()
        let tracker = f.tracker
        var someoneSeesSomeButNotAll = false
        for person in f.workspace.street.people {
            let expected = tracker.plan.units.filter { unit in unit.items.contains { tracker.mayChange(person: person, unit: unit, item: $0) } }
            let found = tracker.unitsWithChanges(for: person)
            #expect(found.map(\.id) == expected.map(\.id), "\(person.id)")
            if !found.isEmpty, found.count < tracker.plan.units.count { someoneSeesSomeButNotAll = true }
        }
        #expect(someoneSeesSomeButNotAll)
    }
}
