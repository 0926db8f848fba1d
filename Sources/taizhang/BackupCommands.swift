import ArgumentParser
import Foundation
import TaizhangDiagnostics
import TaizhangTracker

extension Taizhang {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy the tracker database to a new file, safely while taizhang serve is running.",
            discussion: "Uses SQLite's online backup: the copy is consistent even while people tick items. An existing file is never overwritten.")

        @OptionGroup var options: TrackerOptions
        @Option(help: "The backup file to create (must not exist yet).") var to: String

        func run() throws {
            try options.refusePostgres("backup")
            let database = options.databasePath
            guard FileManager.default.fileExists(atPath: database) else {
                throw DiagnosticsEngine(root: options.workspace.root)
                    .fail(.error("tracker.database", "no tracker database to back up", at: SourceLocation(file: database)))
            }
            let destination = URL(fileURLWithPath: to).standardizedFileURL.path
            do {
                try SQLiteTrackerStore.forReading(path: database).backup(to: destination)
            } catch {
                throw DiagnosticsEngine(root: options.workspace.root).fail(error.diagnostic)
            }
            Console.out("backed up \(database) to \(destination)")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Replace the tracker database's content with a backup made by taizhang backup.",
            discussion: """
                The backup is checked first (a Taizhang tracker database, not damaged). The current content \
                is kept as a dated copy beside the database; nothing is deleted. A running taizhang serve \
                sees the restored data at once.
                """)

        @OptionGroup var options: TrackerOptions
        @Argument(help: "The backup file.") var file: String

        func run() throws {
            try options.refusePostgres("restore")
            let source = URL(fileURLWithPath: file).standardizedFileURL.path
            let kept: String?
            do {
                kept = try SQLiteTrackerStore.restore(from: source, into: options.databasePath, at: Date())
            } catch {
                throw DiagnosticsEngine(root: options.workspace.root).fail(error.diagnostic)
            }
            Console.out("restored \(options.databasePath) from \(source)")
            if let kept { Console.out("the replaced database was kept as \(kept)") }
        }
    }
}

extension TrackerOptions {
    /// Backup and restore copy SQLite files; a PostgreSQL server has its own tools.
    func refusePostgres(_ command: String) throws {
        guard isPostgres else { return }
        throw DiagnosticsEngine(root: workspace.root).fail(
            "tracker.postgres-backup", "taizhang \(command) copies the SQLite file; on PostgreSQL use pg_dump / pg_restore", exit: .usage)
    }
}
