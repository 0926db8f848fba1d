// swift-tools-version: 6.0
// libFuzzer targets for Taizhang's input readers. Not part of `swift test`: build and run
// them with Fuzz/fuzz.sh, which compiles with -sanitize=fuzzer,address (Linux only).
import PackageDescription

let package = Package(
    name: "TaizhangFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Taizhang", path: "..")],
    targets: [
        /// Starts libFuzzer from the `<module>_main` SwiftPM gives an executable.
        .target(name: "FuzzSupport"),
        /// The checklist loader: the fuzz input is the master file `taizhang.xml`, loaded with
        /// XInclude expansion, schema validation, model building and the semantic checks.
        .executableTarget(name: "FuzzChecklistLoader", dependencies: ["FuzzSupport", .product(name: "TaizhangCore", package: "Taizhang")]),
        /// The walkthrough CSV reader: the fuzz input is households.csv, then a NUL byte, then route.csv.
        .executableTarget(name: "FuzzCSVReader", dependencies: ["FuzzSupport", .product(name: "TaizhangCore", package: "Taizhang")]),
    ],
    swiftLanguageModes: [.v6]
)
