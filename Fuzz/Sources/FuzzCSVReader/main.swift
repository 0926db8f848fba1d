import Foundation
import FuzzSupport
import TaizhangCore

/// A scratch workspace with one community folder, `walkthrough/fuzz/`, built once per process.
let workspace = scratchWorkspace("csv") { root in
    try FileManager.default.createDirectory(atPath: root + "/walkthrough/fuzz", withIntermediateDirectories: true)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let split = bytes.firstIndex(of: 0)
    let folder = workspace + "/walkthrough/fuzz"
    // Without a NUL, a fixed route: Foundation leaks 4 KiB for every empty file it reads,
    // which would stop the run at its memory limit long before a million inputs.
    let route = split.map { Data(bytes[($0 + 1)...]) } ?? Data("序号,站点,类型,户号,说明\n1,台账室,台账室,,\n".utf8)
    do {
        try Data(bytes[0..<(split ?? count)]).write(to: URL(fileURLWithPath: folder + "/households.csv"))
        try route.write(to: URL(fileURLWithPath: folder + "/route.csv"))
    } catch {
        fatalError("cannot write the fuzz input: \(error)")
    }
    let (data, diagnostics) = WalkthroughData.load(workspace: workspace, community: "fuzz")
    for diagnostic in diagnostics { _ = diagnostic.rendered(relativeTo: workspace) }
    if let data { _ = data.route.count + data.households.count }
    return 0
}

@_cdecl("FuzzCSVReader_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzCSVReader)
}
