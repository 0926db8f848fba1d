import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

/// Options of every tracker command: the workspace, and where its database is.
struct TrackerOptions: ParsableArguments {
    @OptionGroup var workspace: WorkspaceOptions

    @Option(
        help: "The tracker database: a file or postgres://user@host:port/db (default: $TAIZHANG_DB, else <workspace>/.taizhang/tracker.sqlite).")
    var db: String?

    @Option(help: ArgumentHelp("Pretend today is this day (YYYY-MM-DD).", visibility: .hidden))
    var today: Day?

    /// `--db`, else `TAIZHANG_DB`, else nil (the workspace's SQLite file).
    var database: String? { db ?? ProcessInfo.processInfo.environment["TAIZHANG_DB"].flatMap { $0.isEmpty ? nil : $0 } }

    /// True when the tracker is on a PostgreSQL server.
    var isPostgres: Bool { database.map(PostgresTrackerStore.isAddress) ?? false }

    var databasePath: String { database ?? Tracker.defaultDatabasePath(workspace: workspace.root) }

    /// The tracker. Commands that only read pass `readOnly`: they then also work on a
    /// database the user may not write, opened read-only (the task lists are not brought in).
    func tracker(readOnly: Bool = false) throws -> Tracker {
        let loaded = try workspace.load()
        let store = try openStore(for: loaded, readOnly: readOnly)
        var tracker = Tracker(workspace: loaded, store: store)
        if let today {
            let fixed = ChinaTime.start(of: today).addingTimeInterval(9 * 3600)
            tracker = Tracker(workspace: loaded, store: store, now: { fixed })
        }
        // The task lists may have changed since the last run: bring new tasks in once, here.
        if !store.isReadOnly { try perform { try tracker.seedTasks() } }
        return tracker
    }

    /// Opens the tracker's store: the SQLite file, or the workspace's street and year on a
    /// PostgreSQL server. A damaged or foreign file is a diagnostic and exit 65; a server that
    /// cannot be reached exits 69. With `readOnly`, an SQLite file the user may not write is
    /// opened for reading only. `pool`: PostgreSQL connections shared with the process's other
    /// stores (`serve --district`); without one the store has its own.
    func openStore(for loaded: Workspace, readOnly: Bool = false, pool: PostgresConnectionPool? = nil) throws -> any TrackerStore {
        let diagnostics = DiagnosticsEngine(root: workspace.root)
        if let database, isPostgres {
            let scope = PostgresTrackerStore.Scope(street: loaded.street.id, year: loaded.street.year)
            if let pool { return try perform { try PostgresTrackerStore(pool: pool, scope: scope) } }
            return try perform { try PostgresTrackerStore(url: database, scope: scope) }
        }
        do {
            return try readOnly ? SQLiteTrackerStore.forReading(path: databasePath) : SQLiteTrackerStore(path: databasePath)
        } catch {
            throw diagnostics.fail(error.diagnostic)
        }
    }

    /// The tracker for a pack or a walkthrough sheet, when a tracker database exists. Its
    /// errors stop the command, as everywhere else; orphaned records (items no longer in the
    /// catalogue) are reported as warnings, never dropped.
    func existingTracker(for workspace: Workspace, output: @escaping (String) -> Void = Console.error) throws -> Tracker? {
        guard isPostgres || FileManager.default.fileExists(atPath: databasePath) else { return nil }
        let tracker = Tracker(workspace: workspace, store: try openStore(for: workspace, readOnly: true))
        let diagnostics = DiagnosticsEngine(root: self.workspace.root, output: output)
        for record in try perform({ try tracker.orphanedRecords() }) {
            diagnostics.emit(
                .warning(
                    "tracker.orphaned-record",
                    "tracker record for \(record.key.unit)/\(record.key.item) (\(record.status.chinese)) refers to an item no longer in the catalogue; it is kept"))
        }
        return tracker
    }

    /// The tracker's statuses for a walkthrough sheet, when a tracker database exists.
    func statusSource(for workspace: Workspace) throws -> (any ItemStatusSource)? {
        guard let tracker = try existingTracker(for: workspace) else { return nil }
        return try perform { try tracker.statusSource() }
    }

    /// Runs a tracker action, turning rule violations into a diagnostic and exit 65.
    @discardableResult
    func perform<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as Tracker.Failure {
            // Only on this error path: the workspace again, for the ids nearest an unknown one.
            let known = WorkspaceLoader(root: workspace.root).load().workspace
            throw DiagnosticsEngine(root: workspace.root).fail(failure.diagnostic(nearestIn: known))
        } catch {
            throw Self.storeFailure(error, root: workspace.root) ?? error
        }
    }

    /// A tracker store's error as its diagnostic, printed, and the exit code to end with: a
    /// server that cannot be reached (or went away midway) exits 69 `[tracker.unavailable]`, a
    /// database that cannot be used 65 `[tracker.database]`. Nil for any other error. Used by
    /// `perform` and, for the reads no command wraps (a report, an export), by `Taizhang.main`.
    static func storeFailure(_ error: any Error, root: String?) -> ExitCode? {
        switch error {
        case let error as PostgresTrackerStore.Unavailable:
            DiagnosticsEngine(root: root).fail(.error("tracker.unavailable", error.description), exit: .unavailable)
        case let error as PostgresTrackerStore.OpenError:
            DiagnosticsEngine(root: root).fail(.error("tracker.database", error.description))
        case let error as PostgresTrackerStore.QueryError:
            DiagnosticsEngine(root: root).fail(.error("tracker.database", error.description))
        default:
            nil
        }
    }
}

enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension Taizhang {
    struct Tick: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tick",
            abstract: "Record the status of ledger items (default: ticked, 已确认).",
            discussion: "Use --community street for the street section's own ledgers.")

        @OptionGroup var options: TrackerOptions
        @Argument(help: "Item codes, e.g. 01.03.") var items: [String]
        @Option(help: "Community id, or street.") var community: String
        @Option(help: "Who is ticking (person id).") var by: String
        @Option(help: "filed, ticked, verified or na (not applicable; needs --note).") var status: ItemStatus = .ticked
        @Option(help: "A note (the reason, for na).") var note: String?

        func run() throws {
            let tracker = try options.tracker()
            for item in items {
                let event = try options.perform { try tracker.tick(item: item, unit: community, by: by, status: status, note: note) }
                Console.out(event.map { "\(item) \(community): \($0.changeLabel)" } ?? "\(item) \(community): already \(status.chinese)")
            }
        }
    }

    struct Untick: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "untick", abstract: "Move ledger items one status back (已抽验 → 已确认 → 已归档 → 未检查).")

        @OptionGroup var options: TrackerOptions
        @Argument(help: "Item codes.") var items: [String]
        @Option(help: "Community id, or street.") var community: String
        @Option(help: "Who is unticking (person id).") var by: String
        @Option(help: "Why.") var note: String?

        func run() throws {
            let tracker = try options.tracker()
            for item in items {
                let event = try options.perform { try tracker.untick(item: item, unit: community, by: by, note: note) }
                Console.out(event.map { "\(item) \(community): \($0.changeLabel)" } ?? "\(item) \(community): nothing to undo")
            }
        }
    }

    struct Tasks: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tasks", abstract: "List the working groups' tasks.")

        @OptionGroup var options: TrackerOptions
        @Option(help: "Only this group (id).") var group: String?
        @Flag(help: "Only tasks past their due date and not done.") var overdue = false
        @Option(help: "text or json.") var format: StatusFormat = .text

        func run() throws {
            let tracker = try options.tracker(readOnly: true)
            let today = ChinaTime.day(tracker.now())
            let names = Dictionary(tracker.workspace.street.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let tasks = try tracker.tasks().filter { task in
                (group == nil || task.group == group)
                    && (!overdue || task.isOverdue(on: today))
            }
            if format == .json {
                Console.out(try JSONOutput.encode(tasks))
                return
            }
            for task in tasks {
                let late = task.isOverdue(on: today) ? "  逾期" : ""
                let done = task.doneBy.map { " (\(names[$0] ?? $0) \(task.doneAt.map(ChinaTime.timestamp) ?? ""))" } ?? ""
                Console.out("\(task.id)  \(task.group)  \(task.due?.description ?? "—")  \(task.state.chinese)\(done)\(late)  \(task.title)  负责人 \(names[task.owner] ?? task.owner)")
            }
            Console.out("\(tasks.count) tasks")
        }
    }

    struct Task: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "task",
            abstract: "Complete, reopen or block a task.",
            subcommands: [Done.self, Reopen.self, Block.self])

        struct Done: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark a task done.")
            @OptionGroup var options: TrackerOptions
            @Argument var task: String
            @Option var by: String
            @Option var note: String?
            func run() throws { try setTask(options, task, .done, by, note) }
        }

        struct Reopen: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a task.")
            @OptionGroup var options: TrackerOptions
            @Argument var task: String
            @Option var by: String
            @Option var note: String?
            func run() throws { try setTask(options, task, .open, by, note) }
        }

        struct Block: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "block", abstract: "Mark a task blocked (say why with --note).")
            @OptionGroup var options: TrackerOptions
            @Argument var task: String
            @Option var by: String
            @Option var note: String?
            func run() throws { try setTask(options, task, .blocked, by, note) }
        }

        static func setTask(_ options: TrackerOptions, _ id: String, _ state: TaskState, _ by: String, _ note: String?) throws {
            let tracker = try options.tracker()
            let event = try options.perform { try tracker.setTask(id, to: state, by: by, note: note) }
            Console.out(event == nil ? "\(id): already \(state.chinese)" : "\(id): \(state.chinese)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Progress per community and group, days to inspection, overdue tasks.")

        @OptionGroup var options: TrackerOptions
        @Option(help: "Only this community (id, or street).") var community: String?
        @Option(help: "Only this group (id).") var group: String?
        @Option(help: "text or json.") var format: StatusFormat = .text

        func run() throws {
            let tracker = try options.tracker(readOnly: true)
            if let community { _ = try options.perform { try tracker.unit(community) } }
            if let group, tracker.workspace.street.group(group) == nil { throw ValidationError("unknown group \"\(group)\"") }
            let report = try StatusReport(
                tracker: tracker, today: ChinaTime.day(tracker.now()),
                estimate: try MockScoring(tracker: tracker).scores(),
                unitFilter: community, groupFilter: group)
            if format == .json {
                Console.out(try JSONOutput.encode(report))
            } else {
                Console.out(StatusText.render(report))
            }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "The audit trail: who changed what, and when.")

        @OptionGroup var options: TrackerOptions
        @Option(help: "From this day on (YYYY-MM-DD).") var since: Day?
        @Option(help: "Only this community (id, or street).") var community: String?
        @Option(help: "Only this person (id).") var by: String?
        @Option(help: "text or json.") var format: StatusFormat = .text

        func run() throws {
            let tracker = try options.tracker(readOnly: true)
            var filter = EventFilter(unit: community, actor: by)
            if let since { filter.since = ChinaTime.start(of: since) }
            let events = try tracker.events(filter)
            if format == .json {
                Console.out(try JSONOutput.encode(events))
                return
            }
            let names = Dictionary(tracker.workspace.street.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            for event in events {
                Console.out(EventText.line(event, names: names))
            }
        }
    }
}

/// `--today`, `--since`, `--date`: a day written YYYY-MM-DD.
extension Day: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `--result pass|fail`.
extension MockScoring.Result: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["pass", "fail"] }
}

/// `--status filed|ticked|verified|na`, parsed by the core's one status parser.
extension ItemStatus: ExpressibleByArgument {
    public static var allValueStrings: [String] { settable.map(\.rawValue) }
    public var defaultValueDescription: String { rawValue }
}

enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

enum EventText {
    static func line(_ event: TrackerEvent, names: [String: String]) -> String {
        let who = "\(names[event.actor] ?? event.actor)(\(event.actor))"
        let when = ChinaTime.timestamp(event.at)
        let note = event.note.map { "  备注：\($0)" } ?? ""
        switch event.kind {
        case .item, .mock:
            return "\(when)  \(who)  \(event.unit) \(event.subject)  \(event.changeLabel)\(event.kind == .mock ? "  (模拟检查)" : "")\(note)"
        case .task:
            return "\(when)  \(who)  任务 \(event.subject)  \(event.changeLabel)\(note)"
        case .refusal:
            return "\(when)  \(who)  拒绝 \(event.unit.isEmpty ? "" : event.unit + " ")\(event.subject)\(note)"
        case .account:
            return "\(when)  \(who)  设置网页登录密码"
        }
    }
}

enum StatusText {
    /// Terminal width of a string: CJK characters take two columns.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.properties.isIdeographic || (0xFF00...0xFFEF).contains($1.value) || (0x3000...0x303F).contains($1.value) ? 2 : 1) }
    }

    static func pad(_ text: String, _ columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }

    /// Right-aligned in `columns` terminal columns.
    static func right(_ text: String, _ columns: Int) -> String {
        String(repeating: " ", count: max(0, columns - width(text))) + text
    }

    static func render(_ report: StatusReport) -> String {
        var lines: [String] = []
        lines.append("\(report.street) \(report.year) · 考核日期 \(report.inspectionDate) · 今天 \(report.today) · \(report.countdown)")
        lines.append("")
        func row(_ label: String, _ cells: [String], width: Int = 8) -> String {
            pad(label, 24) + cells.map { right($0, width) }.joined()
        }
        // 齐全 counts the files of the last scan by the printed index's rule.
        lines.append(row("单位", ["条目", "齐全", "未检查", "已归档", "已确认", "已抽验", "不适用", "完成率"]) + "  预估得分")
        for unit in report.units {
            let c = unit.counts
            lines.append(
                row(
                    "\(unit.number) \(unit.name)",
                    [c.items, c.complete, c.notReviewed, c.filed, c.ticked, c.verified, c.notApplicable].map(String.init) + ["\(c.percent)%"])
                    + "  " + (unit.estimatedScore ?? "—") + (c.flagged > 0 ? "  ⚑\(c.flagged)" : ""))
            for deduction in unit.topDeductions {
                lines.append("    −\(deduction.points)  \(deduction.indicator)\(deduction.item.map { " · \($0)" } ?? "")：\(deduction.reason)")
            }
        }
        lines.append("")
        lines.append(row("工作组", ["条目", "已完成", "完成率", "未完成任务", "逾期任务"], width: 12))
        for group in report.groups {
            let c = group.counts
            lines.append(row("\(group.number) \(group.name)", [String(c.items), String(c.done), "\(c.percent)%", String(group.openTasks), String(group.overdueTasks)], width: 12))
        }
        lines.append("")
        if report.overdue.isEmpty {
            lines.append("逾期任务：无")
        } else {
            lines.append("逾期任务（\(report.overdue.count)）：")
            for task in report.overdue {
                lines.append("  \(task.id)  到期 \(task.due ?? "")（逾期 \(task.daysOverdue) 天）  \(task.title)  负责人 \(task.owner)")
            }
        }
        if !report.orphaned.isEmpty {
            lines.append("")
            lines.append("已不在目录中的条目记录（保留）：" + report.orphaned.joined(separator: "、"))
        }
        return lines.joined(separator: "\n")
    }
}
