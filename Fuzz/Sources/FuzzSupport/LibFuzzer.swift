import Foundation
import Synchronization

/// libFuzzer's driver (in the runtime that `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func libFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// Runs libFuzzer on `body` with the process's command line. SwiftPM links an executable with
/// `main` renamed to `<module>_main`, so each fuzz target defines that symbol and calls this.
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    var argc = argc, argv = argv
    return libFuzzerDriver(&argc, &argv, body)
}

/// A new scratch workspace `<tmp>/taizhang-fuzz-<name>-<pid>`, filled by `setUp` and removed
/// when the process exits; the process stops if it cannot be made.
public func scratchWorkspace(_ name: String, setUp: (String) throws -> Void) -> String {
    let root = scratchRoot(name)
    do {
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try setUp(root)
    } catch {
        fatalError("cannot set up the fuzzing workspace \(root): \(error)")
    }
    scratchNames.withLock { $0.append(name) }
    atexit { for name in scratchNames.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: scratchRoot(name)) } }
    return root
}

private func scratchRoot(_ name: String) -> String { NSTemporaryDirectory() + "taizhang-fuzz-\(name)-\(getpid())" }
private let scratchNames = Mutex<[String]>([])
