// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Taizhang",
    // Linux only (Debian/Ubuntu): FileInventory reads `st_mtim`, which macOS spells differently.
    products: [
        .executable(name: "taizhang", targets: ["taizhang"]),
        /// For the fuzz targets in Fuzz/, a separate package.
        .library(name: "TaizhangCore", targets: ["TaizhangCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.25.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        /// libxlsxwriter's header (Debian `libxlsxwriter-dev`). Its module map links nothing:
        /// XLSXWriterLoader opens the library on the first call, because linked, it and the
        /// libcrypto it needs were loaded at every command's start (1.5–2 ms).
        .systemLibrary(name: "CLibXLSXWriter"),
        .target(name: "XLSXWriterLoader", dependencies: ["CLibXLSXWriter"]),
        /// The one `Diagnostic` type (`file:line:col: error: message [id]`).
        .target(name: "TaizhangDiagnostics"),
        /// The only module that imports libxml2.
        .target(name: "TaizhangXML", dependencies: ["CLibXML2", "TaizhangDiagnostics"]),
        .target(
            name: "TaizhangCore",
            dependencies: [
                "TaizhangDiagnostics",
                "TaizhangXML",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// The working-group tracker: item statuses, tasks and the audit trail.
        .target(
            name: "TaizhangTracker",
            dependencies: [
                "TaizhangCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        /// Excel and USB: XLSX/CSV export, catalogue import, the hand-over zip.
        .target(
            name: "TaizhangOffice",
            dependencies: [
                "TaizhangCore",
                "TaizhangTracker",
                "TaizhangXML",
                "CLibXLSXWriter",
                "XLSXWriterLoader",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        /// The web page for group leads: sign-in, ticking, dashboard, audit log.
        .target(
            name: "TaizhangWeb",
            dependencies: [
                "TaizhangTracker",
                "TaizhangOffice",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "taizhang",
            dependencies: [
                "TaizhangCore",
                "TaizhangOffice",
                "TaizhangTracker",
                "TaizhangWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds link the Swift runtime and Foundation statically: the dynamic
            // loader then binds 15 libraries instead of 28, and a command starts in about 2/3
            // of the time (README, "Start-up"). The objects were compiled against the shared
            // Foundation, whose modules autolink only `-lFoundation*`, so the static archives
            // they need besides (CoreFoundation, ICU, collections, shims) are named here.
            // `--no-export-dynamic` undoes `-export-dynamic` from the toolchain's static
            // arguments: exporting every symbol made the runtime's start-up `dladdr` slow.
            // Debug builds and the test binaries stay dynamic.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib",
                        "-Xlinker", "--start-group",
                        "-lFoundation", "-lCoreFoundation", "-lFoundationInternationalization", "-l_FoundationICU",
                        "-lFoundationEssentials", "-l_FoundationCollections", "-l_FoundationCShims",
                        "-lswiftCore", "-lswift_Concurrency", "-lswift_StringProcessing", "-lswift_RegexParser",
                        "-lswiftSynchronization", "-lswiftGlibc", "-lswiftDispatch", "-ldispatch", "-lBlocksRuntime",
                        "-Xlinker", "--end-group",
                        "-Xlinker", "--no-export-dynamic",
                    ],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        // The bare Hummingbird server Benchmarks/web.sh measures as the framework's floor.
        .executableTarget(
            name: "taizhang-web-floor", dependencies: [.product(name: "Hummingbird", package: "hummingbird")], path: "Benchmarks/web-floor"),
        // Helpers shared by the test targets (paths, temporary folders); used only by tests.
        .target(name: "TaizhangTestSupport", path: "Tests/TaizhangTestSupport"),
        .testTarget(name: "TaizhangXMLTests", dependencies: ["TaizhangXML", "TaizhangTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "TaizhangCoreTests",
            dependencies: ["TaizhangCore", "TaizhangTestSupport", .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["Fixtures", "Golden"]
        ),
        .testTarget(name: "TaizhangOfficeTests", dependencies: ["TaizhangOffice", "TaizhangTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TaizhangTrackerTests", dependencies: ["TaizhangTracker", "TaizhangTestSupport"]),
        .testTarget(
            name: "TaizhangWebTests",
            dependencies: [
                "TaizhangWeb",
                "TaizhangTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "TaizhangCLITests", dependencies: ["taizhang", "TaizhangTestSupport"], exclude: ["Golden", "Help"]),
    ],
    swiftLanguageModes: [.v6]
)
