import Foundation
import Synchronization
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// #14 item 6: the database connection killed in the middle of ticks. Every call returns (the
/// change, or a clear error) within a few seconds; every acknowledged tick is in the database
/// with its event; no item's status is written without its event, or the reverse.
@Suite(.enabled(if: Backend.postgresServer.server != nil, "needs TAIZHANG_TEST_POSTGRES (.ci/run starts a server)"))
struct ConnectionLossTests {
    /// What the workers saw: acknowledged events, errors, and the slowest call.
    final class Outcome: Sendable {
        struct State {
            var acknowledged: [TrackerEvent] = []
            var errors: [String] = []
            var slowest: TimeInterval = 0
            var calls = 0
        }
        let state = Mutex(State())
    }

    @Test(.timeLimit(.minutes(1))) func killingTheConnectionsMidTickLosesNoAcknowledgedTick() throws {
        let f = try TrackerFixture(.postgres)
        let store = try #require(f.store as? PostgresTrackerStore)
        let server = try Backend.server()
        // Short timeouts, so that a call that lost its server gives up within seconds.
        let stores = try (0..<2).map { _ in try PostgresTrackerStore(url: server, scope: store.scope, patience: 2, statementTimeout: 2) }
        // The killer works for another street: its own connections carry another application name.
        let killer = try PostgresTrackerStore(url: server, scope: .init(street: "killer", year: 2014))
        let items = try #require(f.tracker.plan.unit(id: "wutongshan")).items.map(\.item.code).prefix(6)
        let outcome = Outcome()
        let stop = Mutex(false)
        let workers = DispatchGroup()
        for worker in 0..<4 {
            let tracker = Tracker(workspace: f.workspace, store: stores[worker % stores.count])
            DispatchQueue.global().async(group: workers) {
                var round = 0
                while !stop.withLock({ $0 }) {
                    let code = items[items.startIndex + (round + worker) % items.count]
                    let status: ItemStatus = [.filed, .ticked, .verified][(round / items.count + worker) % 3]
                    let started = Date()
                    do {
                        if let event = try tracker.tick(item: code, unit: "wutongshan", by: "p03", status: status) {
                            outcome.state.withLock { $0.acknowledged.append(event) }
                        }
                    } catch let error as PostgresTrackerStore.Unavailable {
                        outcome.state.withLock { $0.errors.append(error.description) }
                    } catch {
                        outcome.state.withLock { $0.errors.append("NOT A CLEAR ERROR: \(error)") }
                    }
                    let took = Date().timeIntervalSince(started)
                    outcome.state.withLock {
                        $0.slowest = max($0.slowest, took)
                        $0.calls += 1
                    }
                    round += 1
                }
            }
        }
        // Kill every connection of the street's year, again and again, while the ticks run.
        let name = store.scope.applicationName
        for _ in 0..<12 {
            Thread.sleep(forTimeInterval: 0.25)
            try killer.execute(unsafe: "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(name)'")
        }
        Thread.sleep(forTimeInterval: 0.5)
        stop.withLock { $0 = true }
        // Never hang the suite: give the workers a deadline of their own.
        let finished = workers.wait(timeout: .now() + 30) == .success
        #expect(finished, "a tick did not return within 30 s of the end")
        guard finished else { return }

        let seen = outcome.state.withLock { $0 }
        #expect(seen.errors.filter { $0.hasPrefix("NOT A CLEAR ERROR") } == [])
        #expect(seen.slowest < 10, "the slowest call took \(seen.slowest) s")
        #expect(!seen.acknowledged.isEmpty && seen.calls > seen.acknowledged.count, "ticks landed and connections were lost")
        // Read back through a fresh store (the workers' pools may hold dead connections).
        let reader = try PostgresTrackerStore(url: server, scope: store.scope)
        let events = try reader.events(EventFilter(kind: .item))
        let stored = Set(events.map(\.id))
        for event in seen.acknowledged { #expect(stored.contains(event.id), "acknowledged tick \(event.id) of \(event.subject) is missing") }
        // Each item's status is the new state of its last event, and no status has no event.
        var last: [String: TrackerEvent] = [:]
        for event in events { last[event.subject] = event }
        let records = try reader.items()
        #expect(Set(records.map(\.key.item)) == Set(last.keys))
        for record in records {
            #expect(record.status.rawValue == last[record.key.item]?.new, "\(record.key.item): status without its event")
        }
        print("kill mid-tick: \(seen.calls) calls, \(seen.acknowledged.count) acknowledged, \(seen.errors.count) errors, slowest \(seen.slowest) s")
    }

    /// A call waiting for a street's lock that another connection holds gives up when the
    /// server's `statement_timeout` ends the wait, with `[tracker.unavailable]`'s error.
    @Test(.timeLimit(.minutes(1))) func aCallWaitingForTheServerGivesUpAfterTheStatementTimeout() throws {
        let f = try TrackerFixture(.postgres)
        let store = try #require(f.store as? PostgresTrackerStore)
        let server = try Backend.server()
        let impatient = Tracker(workspace: f.workspace, store: try PostgresTrackerStore(url: server, scope: store.scope, statementTimeout: 1))
        // Another process holds the street's year for as long as this test wants.
        let holder = try PostgresTrackerStore(url: server, scope: .init(street: "holder", year: 2014))
        try holder.execute(unsafe: "SELECT pg_advisory_lock(hashtextextended('\(store.scope.lockKey)', 0))")
        defer { try? holder.execute(unsafe: "SELECT pg_advisory_unlock_all()") }
        let started = Date()
        let error = #expect(throws: PostgresTrackerStore.Unavailable.self) { try impatient.tick(item: "01.06", unit: "wutongshan", by: "p13") }
        #expect(error?.reason.contains("statement timeout") == true, "\(String(describing: error))")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try f.tracker.events().isEmpty && f.tracker.items().isEmpty, "nothing was written")
    }

    /// A server that stops answering without closing the connection (its process stopped, as
    /// when a network goes silent): the call closes the connection and gives up a little after
    /// the statement timeout, instead of waiting for an answer forever.
    @Test(.enabled(if: getuid() == 0, "stopping the server's processes needs root"), .timeLimit(.minutes(1)))
    func aServerThatStopsAnsweringIsGivenUp() throws {
        let server = try Backend.server()
        let street = "quiet-" + String(UUID().uuidString.prefix(8)).lowercased()
        let quiet = try PostgresTrackerStore(url: server, scope: .init(street: street, year: 2014), statementTimeout: 1)
        _ = try quiet.items()  // its pool now holds an idle connection
        let observer = try PostgresTrackerStore(url: server, scope: .init(street: "observer", year: 2014))
        let pids = try #require(
            try observer.value(
                unsafe: "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE application_name = 'taizhang/\(street)/2014'"))
        let processes = pids.split(separator: ",").compactMap { pid_t($0) }
        #expect(!processes.isEmpty)
        for process in processes { #expect(kill(process, SIGSTOP) == 0) }
        defer { for process in processes { kill(process, SIGCONT) } }
        let outcome = Mutex<Result<[ItemRecord], any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let started = Date()
        DispatchQueue.global().async {
            let result = Result { try quiet.items() }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        // Never hang the suite: a deadline of its own.
        #expect(finished.wait(timeout: .now() + 30) == .success, "the call did not give up")
        let took = Date().timeIntervalSince(started)
        let result = try #require(outcome.withLock { $0 })
        #expect(throws: PostgresTrackerStore.Unavailable.self) { try result.get() }
        #expect(took > 4 && took < 10, "gave up after \(took) s (statement timeout 1 s, then a 5 s margin)")
    }
}
