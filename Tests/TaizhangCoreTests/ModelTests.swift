import Foundation
import Testing

@testable import TaizhangCore

@Suite struct ConditionTests {
    let definitions = [
        AttributeDefinition(name: "hasUrbanVillage", kind: .boolean, label: "", defaultValue: "false", location: .init(file: "")),
        AttributeDefinition(name: "enterpriseAssociations", kind: .integer, label: "", defaultValue: "0", location: .init(file: "")),
        AttributeDefinition(name: "selfGovernance", kind: .text, label: "", defaultValue: "无", location: .init(file: "")),
    ]

    func community(_ values: [String: String]) -> Community {
        Community(
            id: "c", name: "c", code: "C", lead: nil, folder: nil,
            values: values.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value, location: .init(file: "")) },
            location: .init(file: ""))
    }

    @Test func parsesClauses() throws {
        #expect(try Condition(parsing: "hasUrbanVillage").clauses == [.flag(name: "hasUrbanVillage", negated: false)])
        #expect(
            try Condition(parsing: "not hasUrbanVillage and enterpriseAssociations >= 2").clauses == [
                .flag(name: "hasUrbanVillage", negated: true), .compare(name: "enterpriseAssociations", op: .greaterOrEqual, value: "2"),
            ])
        #expect(try Condition(parsing: "selfGovernance != 无").clauses == [.compare(name: "selfGovernance", op: .notEqual, value: "无")])
        #expect(throws: Condition.ParseError.self) { try Condition(parsing: "a and") }
        #expect(throws: Condition.ParseError.self) { try Condition(parsing: "a ~ b") }
        #expect(throws: Condition.ParseError.self) { try Condition(parsing: ">= 3") }
    }

    @Test func evaluatesWithDefaults() throws {
        let village = try Condition(parsing: "hasUrbanVillage")
        #expect(village.matches(community(["hasUrbanVillage": "true"]), definitions: definitions))
        #expect(!village.matches(community([:]), definitions: definitions))
        let enterprises = try Condition(parsing: "enterpriseAssociations >= 1")
        #expect(!enterprises.matches(community([:]), definitions: definitions))
        #expect(enterprises.matches(community(["enterpriseAssociations": "2"]), definitions: definitions))
        let governance = try Condition(parsing: "selfGovernance = 省级")
        #expect(governance.matches(community(["selfGovernance": "省级"]), definitions: definitions))
        #expect(!governance.matches(community([:]), definitions: definitions))
    }
}

@Suite struct DayTests {
    @Test func parsesPrintsAndCounts() throws {
        let day = try #require(Day("2014-12-10"))
        #expect(day.description == "2014-12-10")
        #expect(day.chinese == "2014年12月10日")
        #expect(Day("2014-02-29") == nil)
        #expect(Day("2016-02-29") != nil)
        #expect(Day("2013-10-01")!.addingYears(1).adding(days: -1) == Day("2014-09-30"))
        #expect(Day("2014-11-30")!.days(until: day) == 10)
        #expect(Day(ordinal: day.ordinal) == day)
        #expect(Day("1970-01-01")!.ordinal == 0)
    }

    /// The byte-by-byte `ChinaTime.timestamp` writes what the interpolated form wrote, across
    /// the fast path's edges (midnight, year ends, the four-digit range) and the fallback.
    @Test(arguments: [
        (0.0, "1970-01-01 08:00"), (1_415_000_000, "2014-11-03 15:33"), (1_419_955_199, "2014-12-30 23:59"),
        (1_420_041_599, "2014-12-31 23:59"), (1_420_041_600, "2015-01-01 00:00"), (253_402_271_999, "9999-12-31 23:59"),
        (-30_610_252_800, "1000-01-01 00:00"), (-30_610_281_601, "0999-12-31 15:59"), (253_402_272_000, "10000-01-01 00:00"),
    ])
    func timestamps(seconds: Double, expected: String) {
        #expect(ChinaTime.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }
}

@Suite struct PointsTests {
    @Test func fixedPointArithmetic() {
        #expect(Decimal2("2.5")! + Decimal2("0.25")! == Decimal2("2.75")!)
        #expect(Decimal2("20")!.description == "20")
        #expect(Decimal2("0.5")!.description == "0.5")
        #expect(Decimal2("0.05")!.description == "0.05")
        #expect(Decimal2("1.234") == nil)
        #expect(Decimal2("abc") == nil)
    }
}

@Suite struct WindowsNameTests {
    @Test(arguments: [
        ("综合治理责任书", "综合治理责任书"),
        ("a:b", "a_b"),
        ("<>:\"/\\|?*", "_________"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("COM1", "COM1_"),
        ("LPT9.doc", "LPT9_.doc"),
        ("CONSOLE", "CONSOLE"),
        ("名称. ", "名称"),
        ("  前导空格", "前导空格"),
        ("tab\there", "tabhere"),
        ("", "_"),
        ("...", "_"),
    ])
    func sanitizes(_ input: String, _ expected: String) {
        #expect(WindowsName.sanitize(input) == expected)
        #expect(WindowsName.isValid(WindowsName.sanitize(input)))
    }

    @Test func detectsEscapes() {
        #expect(WindowsName.escapesFolder(".."))
        #expect(WindowsName.escapesFolder("../x"))
        #expect(WindowsName.escapesFolder("a/b"))
        #expect(WindowsName.escapesFolder("a\\b"))
        #expect(WindowsName.escapesFolder("C:x"))
        #expect(WindowsName.escapesFolder("a:b"))  // drive-relative on Windows
        #expect(!WindowsName.escapesFolder("会议:纪要"))
        // A combining mark after the slash made it another Character, and the name passed.
        let marked = ["a/\u{301}b", "a\\\u{301}b"]
        #expect(marked.allSatisfy(WindowsName.escapesFolder))
        #expect(!WindowsName.escapesFolder("01.03 综合治理责任书"))
    }

    /// `isValid`, `isReserved` and `escapesFolder` answer from bytes and scalars first; their
    /// answers must stay those of the Character-based rules (a forbidden character or a space
    /// with a combining mark is another character, dotless ı upper-cases to I, superscripts make
    /// COM¹ reserved), except that a slash is a slash to the file system whatever follows it.
    @Test(arguments: [
        "a", "CON", "con", " con", "Con.txt", "CONIN$", "conın$", "COM¹", "lpt²", "LPT0", "nul ", "aux.", "prn.x.y",
        "/\u{301}", "a/\u{301}b", "<\u{338}", " \u{301}a", "a \u{301}", "a.\u{301}", ".\u{301}", "a.", "a ", " a", "\u{1}a",
        "a\u{7F}", "a\u{85}b", "\r\n", "合成0001社区", "01.03 综合治理责任书", "会议:纪要", "C:x", "é:x", "..", " .. ", ".\t.",
        "\t..\t", ". .", "", " ", ".", " 北京", "ǆ", "ﬆ", "ıcon", "\u{301}con", "ß",
    ])
    func quickAnswersAreTheCharacterRulesAnswers(_ name: String) {
        #expect(WindowsName.isValid(name) == (WindowsName.sanitize(name) == name))
        let trimmed = name.trimming(" \t")
        let scalars = Array(name.unicodeScalars)
        let escapes =
            trimmed == "." || trimmed == ".." || name.unicodeScalars.contains("/") || name.unicodeScalars.contains("\\")
            || (scalars.count >= 2 && scalars[1] == ":" && scalars[0].properties.isAlphabetic)
        #expect(WindowsName.escapesFolder(name) == escapes)
        let stem = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? name
        #expect(WindowsName.isReserved(name) == WindowsName.reserved.contains(stem.trimming(" ").uppercased()))
    }

    @Test func truncatesWithoutSplittingCharacters() {
        let long = String(repeating: "台账", count: 100)
        let cut = WindowsName.sanitize(long, maxLength: 15)
        #expect(cut.utf16.count <= 15)
        #expect(long.hasPrefix(cut))
        #expect(WindowsName.sanitize("abc.def", maxLength: 4) == "abc")
    }
}
