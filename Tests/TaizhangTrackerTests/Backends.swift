import Foundation
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// The stores the conformance suite runs on.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, memory, postgres

    var testDescription: String { rawValue }

    /// The backends to test here: PostgreSQL only when `TAIZHANG_TEST_POSTGRES` names a server
    /// that answers (`.ci/run` starts one); otherwise its cases are skipped with a notice.
    static let available: [Backend] = postgresServer.server == nil ? [.sqlite, .memory] : allCases

    /// The test server's address and whether it answered, found once per test run.
    static let postgresServer: (server: String?, notice: String?) = {
        guard let server = ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"], !server.isEmpty else {
            return notify(nil, "TAIZHANG_TEST_POSTGRES is not set")
        }
        do {
            _ = try PostgresTrackerStore(url: server, scope: .init(street: "probe", year: 0), patience: 5)
            return (server, nil)
        } catch {
            return notify(nil, "\(server) cannot be reached (\(error))")
        }
    }()

    private static func notify(_ server: String?, _ why: String) -> (String?, String?) {
        let notice = "NOTICE: the PostgreSQL cases of the tracker conformance suite are SKIPPED: \(why). .ci/run starts a server."
        print(notice)
        return (server, notice)
    }

    /// A store of its own: a fresh SQLite file, a new in-memory store, or a street of its
    /// own on the test server (one database serves many streets apart).
    func makeStore(directory: String) throws -> any TrackerStore {
        switch self {
        case .sqlite: return try SQLiteTrackerStore(path: directory + "/tracker.sqlite")
        case .memory: return InMemoryTrackerStore()
        case .postgres:
            let street = "test-" + URL(fileURLWithPath: directory).lastPathComponent
            return try PostgresTrackerStore(url: try Self.server(), scope: .init(street: street, year: 2014))
        }
    }

    /// A second store on the same data, as a second process opens it (memory: the same store).
    func reopen(_ store: any TrackerStore, directory: String) throws -> any TrackerStore {
        switch self {
        case .sqlite: return try SQLiteTrackerStore(path: directory + "/tracker.sqlite")
        case .memory: return store
        case .postgres:
            let scope = try #require((store as? PostgresTrackerStore)?.scope)
            return try PostgresTrackerStore(url: try Self.server(), scope: scope)
        }
    }

    static func server() throws -> String { try #require(postgresServer.server) }

    /// The certificate of the authority that signed the test server's TLS certificate, when
    /// the server offers TLS (`TAIZHANG_TEST_POSTGRES_CA`, set by `.ci/run`).
    static let postgresAuthority: String? = {
        guard postgresServer.server != nil, let path = ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES_CA"], !path.isEmpty else { return nil }
        return path
    }()
}

/// Says, in the test report, that the PostgreSQL cases did not run (never silently).
@Suite struct PostgresAvailabilityTests {
    @Test(.enabled(if: Backend.postgresServer.server == nil, "PostgreSQL is configured and reachable"))
    func postgresCasesAreSkippedWithANotice() {
        #expect(Backend.postgresServer.notice?.hasPrefix("NOTICE:") == true)
    }
}

extension TrackerStore {
    /// One item's record, read through `items()`: the store needs no single-item read of its own.
    func record(_ key: ItemKey) throws -> ItemRecord? { try items().first { $0.key == key } }
}
