import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

@Suite struct PeriodCoverageTests {
    let start = Day("2013-10-01")!, end = Day("2014-09-30")!

    @Test(arguments: [
        ("2014年3月派出所四项变动.pdf", "2014年3月"),
        ("四项变动 2013-11.pdf", "2013年11月"),
        ("201405排查.xlsx", "2014年5月"),
        ("2014.7 月报.doc", "2014年7月"),
        ("11月份协会活动.docx", "2013年11月"),
        ("三月份例会.pdf", "2014年3月"),
        ("十二月例会.pdf", "2013年12月"),
    ])
    func findsTheMonthInAFileName(_ name: String, _ month: String) {
        #expect(PeriodCoverage.month(in: name, period: PeriodCoverage.months(from: start, to: end))?.chinese == month)
    }

    @Test func namesTheMissingMonths() {
        let names = ["2013年10月.pdf", "2013年11月.pdf", "2013年12月.pdf", "2014年1月.pdf", "2014年2月.pdf", "2014年5月.pdf", "2014年6月.pdf", "说明.pdf"]
        let coverage = PeriodCoverage(names: names, start: start, end: end)
        #expect(coverage.expected.count == 12)
        #expect(coverage.missing.map(\.chinese) == ["2014年3月", "2014年4月", "2014年7月", "2014年8月", "2014年9月"])
        #expect(PeriodCoverage.month(in: "扫描件001.pdf", period: coverage.expected) == nil)
    }
}

@Suite struct EvidenceMatcherTests {
    func item(_ code: String, _ hints: [(EvidenceHint.Match, String)]) -> LedgerItem {
        LedgerItem(
            code: code, title: "条目\(code)", categoryCode: "01", indicatorCode: "1.1", group: nil, hasOwnGroup: false, level: .both,
            folder: nil, documents: [], hints: hints.map { EvidenceHint(match: $0.0, text: $0.1, location: .init(file: "")) },
            note: nil, location: .init(file: ""))
    }

    var matcher: EvidenceMatcher {
        EvidenceMatcher(items: [
            item("01.01", [(.any, "责任书 综合治理")]),
            item("01.02", [(.all, "会议 纪要")]),
            item("01.03", [(.exact, "领导小组名单")]),
            item("06.07", [(.regex, #"^\d{4}年\d{1,2}月.*四项变动"#)]),
            item("06.08", [(.any, "责任书")]),
        ])
    }

    @Test func decidesWithReasons() {
        guard case .file(let c) = matcher.decide("综合治理责任书-派出所.pdf") else { Issue.record("not filed"); return }
        #expect(c.code == "01.01")
        #expect(c.reasons == ["文件名含“责任书”“综合治理”"])
        guard case .file(let exact) = matcher.decide("领导小组名单.docx") else { Issue.record("not filed"); return }
        #expect(exact.code == "01.03" && exact.score == 100)
        guard case .file(let regex) = matcher.decide("2014年3月四项变动排查.pdf") else { Issue.record("not filed"); return }
        #expect(regex.code == "06.07")
        guard case .file(let all) = matcher.decide("党工委会议纪要.pdf") else { Issue.record("not filed"); return }
        #expect(all.code == "01.02")
        #expect(matcher.decide("会议通知.pdf") == .unmatched)  // `all` needs every keyword
    }

    @Test func tiesAreAmbiguousAndNothingIsUnmatched() {
        guard case .ambiguous(let candidates) = matcher.decide("责任书.pdf") else { Issue.record("expected ambiguous"); return }
        #expect(candidates.map(\.code) == ["01.01", "06.08"])
        #expect(matcher.decide("IMG_2041.JPG") == .unmatched)
    }
}

@Suite struct EvidenceFilerTests {
    /// A generated pack, the folder of community "east" in it, and a filer for that folder.
    func generatedPack() throws -> (fixture: PackFixture, unitRoot: String, filer: EvidenceFiler) {
        let fixture = try PackFixture()
        fixture.generate()
        let unit = try #require(PackPlanner(workspace: fixture.workspace).plan().unit(id: "east"))
        let unitRoot = fixture.packRoot + "/" + unit.folderName
        return (fixture, unitRoot, EvidenceFiler(unit: unit, unitRoot: unitRoot))
    }

    @Test func filesCopiesVerifiesAndNeverOverwrites() throws {
        let pack = try generatedPack()  // keeps the temporary pack alive until the test ends
        let (unitRoot, filer) = (pack.unitRoot, pack.filer)
        let incoming = try TemporaryDirectory("incoming")
        try incoming.write("责任书-派出所.pdf", "first")
        let first = filer.file([incoming.path + "/责任书-派出所.pdf"], dryRun: false)
        #expect(first.first?.destination == "01 组织保障/01.01 综合治理责任书/责任书-派出所.pdf")
        #expect(!FileManager.default.fileExists(atPath: incoming.path + "/责任书-派出所.pdf"))
        try incoming.write("责任书-派出所.pdf", "second")
        let second = filer.file([incoming.path + "/责任书-派出所.pdf"], dryRun: false)
        #expect(second.first?.destination == "01 组织保障/01.01 综合治理责任书/责任书-派出所 (2).pdf")
        #expect(try String(contentsOfFile: unitRoot + "/01 组织保障/01.01 综合治理责任书/责任书-派出所.pdf", encoding: .utf8) == "first")
        #expect(try String(contentsOfFile: unitRoot + "/01 组织保障/01.01 综合治理责任书/责任书-派出所 (2).pdf", encoding: .utf8) == "second")
        // No temporary copies are left behind.
        let folder = try FileManager.default.contentsOfDirectory(atPath: unitRoot + "/01 组织保障/01.01 综合治理责任书")
        #expect(folder.sorted() == ["00 说明.html", "责任书-派出所 (2).pdf", "责任书-派出所.pdf"])
    }

    @Test func unmatchedFilesGoToUnsortedAndDryRunMovesNothing() throws {
        let (fixture, unitRoot, filer) = try generatedPack()
        let incoming = try TemporaryDirectory("incoming")
        try incoming.write("IMG_2041.JPG", "photo")
        let dry = filer.file([incoming.path + "/IMG_2041.JPG", incoming.path + "/missing.pdf"], dryRun: true)
        #expect(dry[0].destination == "待分拣/IMG_2041.JPG" && dry[0].decision == .unmatched)
        #expect(dry[1].error == "file not found")
        #expect(FileManager.default.fileExists(atPath: incoming.path + "/IMG_2041.JPG"))
        #expect(!FileManager.default.fileExists(atPath: unitRoot + "/待分拣"))
        _ = filer.file([incoming.path + "/IMG_2041.JPG"], dryRun: false)
        #expect(FileManager.default.fileExists(atPath: unitRoot + "/待分拣/IMG_2041.JPG"))
        // The unsorted folder is expected: regenerating reports no orphan.
        #expect(fixture.generate().orphans.isEmpty)
    }
}

/// Hostile incoming files from the hardening review (issue #18 items 7, 10 and 13).
@Suite struct EvidenceFilerHostileTests {
    let pack: (fixture: PackFixture, unitRoot: String, filer: EvidenceFiler)
    let incoming: TemporaryDirectory

    init() throws {
        pack = try EvidenceFilerTests().generatedPack()
        incoming = try TemporaryDirectory("incoming")
    }

    @Test func backslashesAndLeadingDotsNeverMakeAHiddenFile() throws {
        try incoming.write("..\\..\\x领导小组.pdf", "pdf")
        let outcome = pack.filer.file([incoming.path + "/..\\..\\x领导小组.pdf"], dryRun: false)
        #expect(outcome.first?.error == nil)
        #expect(outcome.first?.destination?.hasSuffix("/x领导小组.pdf") == true)
        try incoming.write(".hidden.pdf", "pdf")
        #expect(pack.filer.file([incoming.path + "/.hidden.pdf"], dryRun: true).first?.destination == "待分拣/hidden.pdf")
    }

    @Test func aLongNameLosesTheEndOfItsStemNotItsExtension() {
        let name = String(repeating: "长", count: 100) + ".pdf"
        let safe = EvidenceFiler.safeName(name)
        #expect(safe == String(repeating: "长", count: 76) + ".pdf")
        #expect(safe.utf16.count == 80)
    }

    @Test func invisibleAndReorderingCharactersAreStripped() {
        #expect(EvidenceFiler.incomingName("/in/\u{202E}fdp.exe") == "fdp.exe")
        #expect(EvidenceFiler.incomingName("/in/责任\u{200B}书\u{0085}.pdf") == "责任书.pdf")
    }

    @Test func aFIFOIsRefusedWithoutHanging() throws {
        let fifo = incoming.path + "/责任书.pdf"
        #expect(mkfifo(fifo, 0o644) == 0)
        let outcome = pack.filer.file([fifo], dryRun: false)
        #expect(outcome.first?.error == "is not a regular file (a pipe or device?); only files are filed")
    }

    @Test func aSymlinkedItemFolderIsNeverFiledInto() throws {
        let outside = try TemporaryDirectory("outside")
        let item = pack.unitRoot + "/01 组织保障/01.01 综合治理责任书"
        try FileManager.default.removeItem(atPath: item)
        try FileManager.default.createSymbolicLink(atPath: item, withDestinationPath: outside.path)
        try incoming.write("责任书-派出所.pdf", "pdf")
        let outcome = pack.filer.file([incoming.path + "/责任书-派出所.pdf"], dryRun: false)
        #expect(outcome.first?.error == "01 组织保障/01.01 综合治理责任书 in the pack is a symbolic link, and Taizhang never follows links in a pack; the original was left in place")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == [])
        #expect(FileManager.default.fileExists(atPath: incoming.path + "/责任书-派出所.pdf"))
    }

    @Test func copiesLeftByAKilledRunAreRemovedByTheNext() throws {
        let folder = pack.unitRoot + "/01 组织保障/01.01 综合治理责任书"
        try "half a copy".write(toFile: folder + "/.taizhang-incoming-1234", atomically: false, encoding: .utf8)
        try incoming.write("责任书-派出所.pdf", "pdf")
        _ = pack.filer.file([incoming.path + "/责任书-派出所.pdf"], dryRun: false)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.sorted() == ["00 说明.html", "责任书-派出所.pdf"])
    }
}
