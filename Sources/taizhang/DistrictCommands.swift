import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangTracker
import TaizhangWeb

/// `serve --district district.xml`: several streets (workspaces) in one `serve`.
struct DistrictOptions: ParsableArguments {
    @Option(help: "A district file (district.xml): serve every street it names under /s/<street>/, with the district overview at /.")
    var district: String?
}

/// A district file with its streets loaded: the command side of `serve --district`.
struct DistrictSetup {
    let district: District
    /// District accounts and every session of the district.
    let accounts: Tracker
    /// Each street's tracker, knowing the district people as read-only visitors.
    let streets: [Tracker]

    /// Reads the district file; exits 65 with `file:line:col` diagnostics when it is wrong.
    static func district(_ file: String) throws -> District {
        let loaded = DistrictLoader(file: file).load()
        let diagnostics = DiagnosticsEngine(root: URL(fileURLWithPath: loaded.district?.folder ?? FileManager.default.currentDirectoryPath).path)
        diagnostics.emit(loaded.diagnostics)
        try diagnostics.exitIfFailed(summary: diagnostics.failed)
        guard let district = loaded.district else { throw ExitCode.dataError }
        return district
    }

    /// The district's own tracker: `.taizhang/district.sqlite` next to the district file, or
    /// the district's key on the PostgreSQL database that `--db` names (on `pool` when given).
    static func accounts(_ district: District, tracking: TrackerOptions, pool: PostgresConnectionPool? = nil) throws -> Tracker {
        try requirePostgresOrNothing(tracking)
        let workspace = district.accountsWorkspace
        if let database = tracking.database, tracking.isPostgres {
            let scope = PostgresTrackerStore.Scope(street: district.storeKey, year: 0)
            let store = try tracking.perform {
                if let pool { return try PostgresTrackerStore(pool: pool, scope: scope) }
                return try PostgresTrackerStore(url: database, scope: scope)
            }
            return Tracker(workspace: workspace, store: store, now: tracking.clock)
        }
        try FileManager.default.createDirectory(atPath: (district.databasePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            return Tracker(workspace: workspace, store: try SQLiteTrackerStore(path: district.databasePath), now: tracking.clock)
        } catch {
            throw DiagnosticsEngine(root: district.folder).fail(error.diagnostic)
        }
    }

    /// A district's streets each have their own SQLite file: `--db` may only name PostgreSQL.
    static func requirePostgresOrNothing(_ tracking: TrackerOptions) throws {
        guard tracking.database != nil, !tracking.isPostgres else { return }
        throw DiagnosticsEngine().fail(
            "district.db", "with --district, --db (or TAIZHANG_DB) must be a postgres:// address: on SQLite each street keeps its own file",
            exit: .usage)
    }

    /// Loads the district and every street. Each street keeps its SQLite file in its
    /// workspace, or its (street, year) key on the one PostgreSQL database of `--db`; there the
    /// streets and the district share one pool of connections (`PostgresConnectionPool`), so the
    /// process holds at most `PostgresConnectionPool.defaultMaximumConnections` however many
    /// streets it serves.
    static func load(_ file: String, tracking: TrackerOptions) throws -> DistrictSetup {
        try requirePostgresOrNothing(tracking)
        let district = try district(file)
        var pool: PostgresConnectionPool?
        if let database = tracking.database, tracking.isPostgres {
            pool = try tracking.perform { try PostgresConnectionPool(url: database, applicationName: "taizhang/" + district.storeKey) }
        }
        var workspaces: [Workspace] = []
        var streets: [Tracker] = []
        for entry in district.streets {
            var options = try TrackerOptions.parse(["--workspace", entry.root])
            options.db = tracking.db
            options.today = tracking.today
            let loaded = try options.workspace.load()
            let store = try options.openStore(for: loaded, pool: pool)
            let tracker = Tracker(workspace: district.serving(loaded), store: store, now: tracking.clock)
            try options.perform { try tracker.seedTasks() }
            workspaces.append(loaded)
            streets.append(tracker)
        }
        let diagnostics = DiagnosticsEngine(root: district.folder)
        diagnostics.emit(district.check(streets: workspaces))
        try diagnostics.exitIfFailed(summary: diagnostics.failed)
        return DistrictSetup(district: district, accounts: try accounts(district, tracking: tracking, pool: pool), streets: streets)
    }
}

extension TrackerOptions {
    /// The clock: `--today` (hidden, for tests) fixes it at 09:00 China time.
    var clock: @Sendable () -> Date {
        guard let today else { return { Date() } }
        let fixed = ChinaTime.start(of: today).addingTimeInterval(9 * 3600)
        return { fixed }
    }
}
