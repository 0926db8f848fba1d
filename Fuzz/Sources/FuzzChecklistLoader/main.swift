import Foundation
import FuzzSupport
import TaizhangCore

/// A scratch workspace holding the real schema and three small files the fuzzed master file
/// can include (`street.xml`, `catalogue/07.xml`, `tasks.xml`), built once per process.
let workspace = scratchWorkspace("loader") { root in
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path + "/checklists"
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/checklists/catalogue", withIntermediateDirectories: true)
    try fm.copyItem(atPath: source + "/schema", toPath: root + "/checklists/schema")
    try fm.copyItem(atPath: source + "/street.xml", toPath: root + "/checklists/street.xml")
    try fm.copyItem(atPath: source + "/tasks.xml", toPath: root + "/checklists/tasks.xml")
    try fm.copyItem(atPath: source + "/catalogue/07-readiness.xml", toPath: root + "/checklists/catalogue/07.xml")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChecklistLoader(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let master = workspace + "/" + WorkspaceLoader.masterPath
    do {
        try Data(UnsafeBufferPointer(start: start, count: count)).write(to: URL(fileURLWithPath: master))
    } catch {
        fatalError("cannot write the fuzz input: \(error)")
    }
    let result = WorkspaceLoader(root: workspace).load()
    // Every diagnostic must render; a valid workspace must plan.
    for diagnostic in result.diagnostics { _ = diagnostic.rendered(relativeTo: workspace) }
    if let valid = result.validWorkspace { _ = PackPlanner(workspace: valid).plan() }
    return 0
}

@_cdecl("FuzzChecklistLoader_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzChecklistLoader)
}
