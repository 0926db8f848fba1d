import Foundation
import TaizhangCore
import TaizhangTestSupport
import Testing

@testable import TaizhangOffice

/// A small pack on disk: a street section and a community, with an internal folder, the
/// generator's manifest, an empty item folder and a symbolic link.
final class PackOnDisk {
    let folder: TemporaryDirectory
    var packRoot: String { folder.path + "/东湖街道-2014" }

    init() throws {
        folder = try TemporaryDirectory("zip")
        try folder.write("东湖街道-2014/index.html", "<h1>东湖街道</h1>")
        try folder.write("东湖街道-2014/taizhang-manifest.tsv", "internal\n")
        try folder.write("东湖街道-2014/.taizhang-journal.tsv", "internal\n")
        try folder.write("东湖街道-2014/00 东湖街道计生科/01 组织保障/01.01 党工委研究计生工作纪要/会议纪要.txt", "纪要")
        try folder.write("东湖街道-2014/01 梧桐山社区/01 组织保障/00 封面.html", "<p>封面</p>")
        try folder.write("东湖街道-2014/01 梧桐山社区/99 模拟检查（内部资料）/模拟检查单.html", "户主 电话")
        try folder.write("东湖街道-2014/01 梧桐山社区/00 准备清单（内部）.html", "关键词")
        try FileManager.default.createDirectory(atPath: packRoot + "/01 梧桐山社区/01 组织保障/01.03 计生工作领导小组及分工", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: packRoot + "/01 梧桐山社区/链接", withDestinationPath: "/etc")
    }

    func zip(_ options: PackZipper.Options = .init(day: Day("2014-12-10")!), to name: String = "pack.zip") throws -> (String, PackZipper.Summary) {
        let path = folder.path + "/" + name
        let summary = try PackZipper(packRoot: packRoot, options: options).write(to: path)
        return (path, summary)
    }
}

/// Runs a program from PATH; nil when it is not installed.
func runTool(_ name: String, _ arguments: [String]) throws -> String? {
    guard let path = ["/usr/bin/", "/bin/", "/usr/local/bin/"].map({ $0 + name }).first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite struct PackZipperTests {
    @Test func entriesAreSortedUnderThePackFolderWithoutInternalFolders() throws {
        let pack = try PackOnDisk()
        let (path, summary) = try pack.zip()
        #expect(summary.files == 3 && summary.skipped == ["01 梧桐山社区/链接"])
        guard let listing = try runTool("unzip", ["-Z1", path]) else {
            print("notice: unzip is not installed; the zip listing is not checked (.ci/run installs it)")
            return
        }
        #expect(
            listing.split(separator: "\n").map(String.init) == [
                "东湖街道-2014/",
                "东湖街道-2014/00 东湖街道计生科/",
                "东湖街道-2014/00 东湖街道计生科/01 组织保障/",
                "东湖街道-2014/00 东湖街道计生科/01 组织保障/01.01 党工委研究计生工作纪要/",
                "东湖街道-2014/00 东湖街道计生科/01 组织保障/01.01 党工委研究计生工作纪要/会议纪要.txt",
                "东湖街道-2014/01 梧桐山社区/",
                "东湖街道-2014/01 梧桐山社区/01 组织保障/",
                "东湖街道-2014/01 梧桐山社区/01 组织保障/00 封面.html",
                "东湖街道-2014/01 梧桐山社区/01 组织保障/01.03 计生工作领导小组及分工/",
                "东湖街道-2014/index.html",
                "东湖街道-2014/SHA256SUMS.txt",
            ])
        let unzipList = try #require(try runTool("unzip", ["-l", path]))
        #expect(unzipList.contains("东湖街道-2014/01 梧桐山社区/01 组织保障/00 封面.html"))
        #expect(!unzipList.contains("内部") && !unzipList.contains("manifest") && !unzipList.contains("链接"))
    }

    /// General-purpose bit 11 (names in UTF-8) in every local header and central directory
    /// record, read from the bytes; and as `zipdetails` reports it, where it is installed.
    /// (`zipinfo -v` of Info-ZIP 6.0 prints the names but not this bit.)
    @Test func everyNameCarriesTheUTF8Flag() throws {
        let pack = try PackOnDisk()
        let (path, _) = try pack.zip()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func flags(after signature: [UInt8], at offset: Int) -> [UInt16] {
            var result: [UInt16] = []
            var index = 0
            while index + offset + 2 <= bytes.count {
                if bytes[index..<index + 4].elementsEqual(signature) {
                    result.append(UInt16(bytes[index + offset]) | UInt16(bytes[index + offset + 1]) << 8)
                }
                index += 1
            }
            return result
        }
        let local = flags(after: [0x50, 0x4B, 0x03, 0x04], at: 6), central = flags(after: [0x50, 0x4B, 0x01, 0x02], at: 8)
        #expect(local.count == 11 && central.count == 11)
        #expect((local + central).allSatisfy { $0 & 0x0800 != 0 })
        if let details = try runTool("zipdetails", [path]) {
            #expect(details.components(separatedBy: "[Bit 11]").count - 1 == 22)
        } else {
            print("notice: zipdetails is not installed; the flag was checked from the bytes only")
        }
        guard let verbose = try runTool("zipinfo", ["-v", path]) else {
            print("notice: zipinfo is not installed; the zip is not listed (.ci/run installs unzip)")
            return
        }
        #expect(verbose.contains("  东湖街道-2014/01 梧桐山社区/01 组织保障/00 封面.html\n"))
        #expect(verbose.contains("file last modified on (DOS date/time):          2014 Dec 10 00:00:00"))
    }

    @Test func theManifestListsEverySHA256() throws {
        let pack = try PackOnDisk()
        let (path, _) = try pack.zip()
        let parts = try ZipParts(file: path)
        let manifest = String(decoding: try parts.data("东湖街道-2014/SHA256SUMS.txt"), as: UTF8.self)
        let cover = try FileHasher.sha256(path: pack.packRoot + "/01 梧桐山社区/01 组织保障/00 封面.html")
        #expect(manifest.split(separator: "\n").count == 3)
        #expect(manifest.contains("\(cover)  01 梧桐山社区/01 组织保障/00 封面.html\n"))
        #expect(String(decoding: try parts.data("东湖街道-2014/01 梧桐山社区/01 组织保障/00 封面.html"), as: UTF8.self) == "<p>封面</p>")
    }

    @Test func internalFoldersOnRequestAndOneCommunityAlone() throws {
        let pack = try PackOnDisk()
        let day = try #require(Day("2014-12-10"))
        let (all, everything) = try pack.zip(.init(includeInternal: true, day: day), to: "all.zip")
        #expect(everything.files == 5)
        #expect((try ZipParts(file: all)).has("东湖街道-2014/01 梧桐山社区/99 模拟检查（内部资料）/模拟检查单.html"))
        let (one, community) = try pack.zip(.init(unitFolders: ["01 梧桐山社区"], day: day), to: "one.zip")
        #expect(community.files == 1)
        let parts = try ZipParts(file: one)
        #expect(parts.has("东湖街道-2014/01 梧桐山社区/01 组织保障/00 封面.html") && !parts.has("东湖街道-2014/index.html"))
    }

    @Test func theSamePackGivesTheSameBytes() throws {
        let pack = try PackOnDisk()
        let (a, _) = try pack.zip(to: "a.zip")
        Thread.sleep(forTimeInterval: 1.1)
        let (b, _) = try pack.zip(to: "b.zip")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: pack.folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
