import Foundation
import TaizhangTestSupport

/// Runs the built `taizhang` executable, as a user would.
enum CLI {
    static let repository = Repository.root

    /// The executable next to the test bundle (`swift test` builds every product first).
    static var executable: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("taizhang").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repository + "/.build/debug/taizhang"
    }

    /// Starts the executable in the background (a server), its output discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `launcher` runs the executable through another program, e.g. `setpriv` to run as another user.
    static func run(
        _ arguments: [String], in directory: String = repository, environment: [String: String] = [:], stdin: String? = nil,
        launcher: [String] = []
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? executable)
        process.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [executable] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        // Read both pipes before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave()
        }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary copy of a workspace (checklists only) that a test may break.
final class WorkspaceCopy {
    let temporary: TemporaryDirectory
    var path: String { temporary.path }

    init(of source: String = CLI.repository) throws {
        temporary = try TemporaryDirectory("cli")
        try FileManager.default.copyItem(atPath: source + "/checklists", toPath: path + "/checklists")
    }

    func edit(_ relative: String, replacing old: String, with new: String) throws {
        let file = path + "/" + relative
        let text = try String(contentsOfFile: file, encoding: .utf8)
        precondition(text.contains(old), "\(old) not in \(relative)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: file, atomically: true, encoding: .utf8)
    }
}
