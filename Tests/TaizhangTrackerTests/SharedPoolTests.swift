import Foundation
import Synchronization
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// #14: `serve --district` gives every street's store one pool of connections, so a process
/// holds a bounded number of connections however many streets it serves.
@Suite(.enabled(if: Backend.postgresServer.server != nil, "needs TAIZHANG_TEST_POSTGRES (.ci/run starts a server)"))
struct SharedPoolTests {
    @Test(.timeLimit(.minutes(1))) func tenStreetsOnOnePoolHoldAtMostItsConnectionsAndStayApart() throws {
        let server = try Backend.server()
        let workspace = try #require(WorkspaceLoader(root: repository).load().validWorkspace)
        let run = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        let name = "taizhang/pool-test-" + run
        let pool = try PostgresConnectionPool(url: server, applicationName: name, maximumConnections: 4)
        let trackers = try (1...10).map { n in
            Tracker(workspace: workspace, store: try PostgresTrackerStore(pool: pool, scope: .init(street: "pool-\(run)-\(n)", year: 2014)))
        }
        let observer = try PostgresTrackerStore(url: server, scope: .init(street: "pool-observer", year: 2014))
        let count = "SELECT count(*)::text FROM pg_stat_activity WHERE application_name = '\(name)'"
        let codes = try #require(trackers[0].plan.unit(id: "wutongshan")).items.map(\.item.code).prefix(4)
        let most = Mutex(0)
        let errors = Mutex<[String]>([])
        // 10 streets × 4 ticks at once from 40 threads, while the connections are counted.
        let workers = DispatchGroup()
        for (index, tracker) in trackers.enumerated() {
            for code in codes {
                DispatchQueue.global().async(group: workers) {
                    do {
                        _ = try tracker.tick(item: code, unit: "wutongshan", by: "p03", status: index % 2 == 0 ? .ticked : .filed)
                    } catch {
                        errors.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        while workers.wait(timeout: .now() + 0.02) == .timedOut {
            let now = Int(try observer.value(unsafe: count) ?? "") ?? 0
            most.withLock { $0 = max($0, now) }
        }
        #expect(errors.withLock { $0 } == [])
        let seen = most.withLock { $0 }
        #expect(seen >= 1 && seen <= 4, "the pool held \(seen) connections at once; at most 4")
        // Each street has its own four ticks, with their events, and nothing of the others'.
        for (index, tracker) in trackers.enumerated() {
            let items = try tracker.items()
            #expect(items.count == codes.count, "street \(index + 1)")
            #expect(items.allSatisfy { $0.status == (index % 2 == 0 ? .ticked : .filed) }, "street \(index + 1)")
            #expect(try tracker.events().filter { $0.kind == .item }.count == codes.count, "street \(index + 1)")
        }
    }
}
