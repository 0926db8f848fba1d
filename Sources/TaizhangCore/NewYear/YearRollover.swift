import Foundation
import TaizhangDiagnostics

/// `taizhang new-year`: next year's definitions from this year's. The street's year, the
/// statistical period, the inspection day and every date written in the checklists move on;
/// catalogue, people, groups and tasks stay. Files are edited as text, one attribute value at
/// a time, so comments and layout stay as the user wrote them.
///
/// What a program cannot decide is reported as warnings (`needs a human look`): dates that now
/// fall on a weekend, an inspection day that was only moved by a year, `sample="true"` markers
/// and seed notes still present, year numbers left in text, last year's figures.
public struct YearRollover: Sendable {
    /// One changed attribute, for the list the command prints.
    public struct Change: Sendable, Equatable {
        public var location: SourceLocation
        public var attribute: String
        public var old: String
        public var new: String

        public func rendered(relativeTo root: String) -> String {
            "\(Diagnostic.displayPath(location.file, relativeTo: root)):\(location.line): \(attribute) \(old) → \(new)"
        }
    }

    /// A file with its new content.
    public struct Edit: Sendable {
        public var file: String
        public var content: [UInt8]
    }

    public let oldYear: Int
    public let newYear: Int
    public let inspectionDate: Day
    /// The inspection day was last year's moved by a year, not given.
    public let inspectionDateGuessed: Bool
    /// Every file the workspace was read from.
    public let files: [String]
    public private(set) var changes: [Change] = []
    public private(set) var edits: [Edit] = []
    /// Warnings: what needs a human look.
    public private(set) var findings: [Diagnostic] = []

    /// Plans the rollover of a valid workspace to `year` (later than its own).
    public init(workspace: Workspace, year: Int, inspectionDate: Day?) throws(Diagnostic) {
        let street = workspace.street
        oldYear = street.year
        newYear = year
        guard year > street.year else {
            throw .error(
                "new-year.year", "the workspace is already for \(street.year); new-year moves it to a later year, not to \(year)",
                at: street.location)
        }
        let delta = year - street.year
        self.inspectionDate = inspectionDate ?? street.inspectionDate.addingYears(delta)
        inspectionDateGuessed = inspectionDate == nil
        /// Year numbers of the statistical year that titles name (2013年度…, 2014年…).
        let periodYears = Set(min(street.periodStart.year, street.periodEnd.year)...max(street.periodStart.year, street.periodEnd.year)).union([street.year])
        files = Self.files(of: workspace)
        for file in files {
            let original: [UInt8]
            do {
                original = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw .error("new-year.read", "cannot read the file: \(error.localizedDescription)", at: SourceLocation(file: file))
            }
            var rewriter = FileRewriter(file: file, bytes: original, delta: delta, rollover: self, periodYears: periodYears)
            rewriter.run()
            changes += rewriter.changes
            findings += rewriter.findings
            if rewriter.bytes != original { edits.append(Edit(file: file, content: rewriter.bytes)) }
        }
        if !workspace.figures.values.isEmpty, let unit = workspace.figures.units.first {
            findings.append(
                .warning(
                    "new-year.figures", "the figures are the ones reported for \(street.year); replace them with \(year)'s when they are reported",
                    at: unit.location))
        }
    }

    /// Every file the workspace was read from, sorted.
    static func files(of workspace: Workspace) -> [String] {
        var files: Set<String> = [workspace.root + "/" + WorkspaceLoader.masterPath, workspace.street.location.file, workspace.catalogue.location.file]
        for category in workspace.catalogue.categories { files.insert(category.location.file) }
        for indicator in workspace.catalogue.allIndicators { files.insert(indicator.location.file) }
        for item in workspace.catalogue.allItems { files.insert(item.location.file) }
        for task in workspace.tasks { files.insert(task.location.file) }
        for unit in workspace.figures.units { files.insert(unit.location.file) }
        for definition in workspace.figures.definitions { files.insert(definition.location.file) }
        return files.filter { !$0.isEmpty }.sorted()
    }

    /// 0 Sunday … 6 Saturday.
    static func weekday(_ day: Day) -> Int { ((day.ordinal + 4) % 7 + 7) % 7 }

    static let weekendNames = [0: "星期日", 6: "星期六"]
}

/// Rewrites one file's attribute values and collects what needs a human look.
private struct FileRewriter {
    let file: String
    var bytes: [UInt8]
    let delta: Int
    let rollover: YearRollover
    let periodYears: Set<Int>
    var changes: [YearRollover.Change] = []
    var findings: [Diagnostic] = []

    init(file: String, bytes: [UInt8], delta: Int, rollover: YearRollover, periodYears: Set<Int>) {
        self.file = file
        self.bytes = bytes
        self.delta = delta
        self.rollover = rollover
        self.periodYears = periodYears
    }

    /// Attributes whose year numbers (`2014年`) move on with the year.
    static let titleAttributes: Set<String> = ["name", "title", "label"]

    mutating func run() {
        let scanner = XMLTextScanner(bytes)
        var replacements: [(Range<Int>, String)] = []
        var samples: [Int] = []
        for attribute in scanner.attributes {
            let location = SourceLocation(file: file, line: attribute.line, column: attribute.column)
            if attribute.name == "sample", attribute.value == "true" || attribute.value == "1" { samples.append(attribute.line) }
            guard let new = newValue(attribute, at: location) else { continue }
            replacements.append((attribute.range, new))
            changes.append(.init(location: location, attribute: "\(attribute.element) \(attribute.name)", old: attribute.value, new: new))
        }
        for (range, value) in replacements.reversed() { bytes.replaceSubrange(range, with: Array(value.utf8)) }
        if let first = samples.first {
            findings.append(
                .warning(
                    "new-year.sample", "\(samples.count) sample=\"true\" marker\(samples.count == 1 ? "" : "s") still present (line\(samples.count == 1 ? "" : "s") \(Self.list(samples)))",
                    at: SourceLocation(file: file, line: first, column: 1),
                    notes: ["replace the sample values with the real ones, then remove sample=\"true\""]))
        }
        let oldYears = periodYears.map(String.init)
        var seedLines: [Int] = [], yearLines: [Int] = []
        for comment in scanner.comments {
            if comment.text.lowercased().contains("seed") { seedLines.append(comment.line) }
            if Self.mentions(oldYears, in: comment.text) { yearLines.append(comment.line) }
        }
        if let first = seedLines.first {
            findings.append(
                .warning(
                    "new-year.seed-note", "comment\(seedLines.count == 1 ? "" : "s") about the seed example still present (line\(seedLines.count == 1 ? "" : "s") \(Self.list(seedLines)))",
                    at: SourceLocation(file: file, line: first, column: 1), notes: ["say where this year's definitions come from, or remove the note"]))
        }
        if let first = yearLines.first {
            findings.append(
                .warning(
                    "new-year.year-in-text",
                    "comment\(yearLines.count == 1 ? "" : "s") still name\(yearLines.count == 1 ? "s" : "") \(Self.yearsText(periodYears)) (line\(yearLines.count == 1 ? "" : "s") \(Self.list(yearLines)))",
                    at: SourceLocation(file: file, line: first, column: 1), notes: ["comments are left as written; bring them up to date"]))
        }
        for text in scanner.texts where Self.mentions(oldYears, in: text.text) {
            findings.append(
                .warning(
                    "new-year.year-in-text", "text still names \(Self.yearsText(periodYears)): \(text.text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(60))",
                    at: SourceLocation(file: file, line: text.line, column: text.column), notes: ["text is left as written; change the year if it should move on"]))
        }
    }

    /// The attribute's value next year, or nil when it stays.
    private mutating func newValue(_ attribute: XMLTextScanner.Attribute, at location: SourceLocation) -> String? {
        let value = attribute.value
        if attribute.element == "street", attribute.name == "year", Int(value) == rollover.oldYear {
            return String(rollover.newYear)
        }
        if value.count == 10, let day = Day(value), day.description == value {
            let moved: Day
            if attribute.element == "street", attribute.name == "inspectionDate" {
                moved = rollover.inspectionDate
                if rollover.inspectionDateGuessed {
                    findings.append(
                        .warning(
                            "new-year.inspection-date", "inspection day \(moved) is last year's moved by a year; correct it when the district announces the visit",
                            at: location, notes: ["or run new-year with --inspection-date YYYY-MM-DD"]))
                }
            } else {
                moved = day.addingYears(delta)
            }
            if let weekend = YearRollover.weekendNames[YearRollover.weekday(moved)] {
                findings.append(
                    .warning(
                        "new-year.weekend", "\(attribute.element) \(attribute.name) \(moved) falls on a \(weekend == "星期六" ? "Saturday" : "Sunday") (\(weekend))",
                        at: location, notes: ["move it to a working day if it should be one"]))
            }
            return moved == day ? nil : moved.description
        }
        guard Self.titleAttributes.contains(attribute.name), value.contains("年") else { return nil }
        var result = ""
        var rest = Substring(value)
        var changed = false
        while let match = rest.firstMatch(of: /(\d{4})年/) {
            result += rest[..<match.range.lowerBound]
            let number = Int(match.output.1) ?? 0
            if periodYears.contains(number), !Self.isDigit(before: match.range.lowerBound, in: rest) {
                result += "\(number + delta)年"
                changed = true
            } else {
                result += match.output.0
                findings.append(
                    .warning(
                        "new-year.year-in-text", "\(attribute.element) \(attribute.name) \"\(value)\" names \(number)年, outside the statistical year; left as written",
                        at: location))
            }
            rest = rest[match.range.upperBound...]
        }
        result += rest
        return changed ? result : nil
    }

    private static func isDigit(before index: Substring.Index, in text: Substring) -> Bool {
        guard index > text.startIndex else { return false }
        return text[text.index(before: index)].isASCII && text[text.index(before: index)].isNumber
    }

    /// `2014` as a number of its own (not part of a longer number or a date such as 2014-06-15 … which still counts).
    static func mentions(_ years: [String], in text: String) -> Bool {
        years.contains { year in
            var rest = Substring(text)
            while let range = rest.range(of: year) {
                let before = range.lowerBound > rest.startIndex ? rest[rest.index(before: range.lowerBound)] : " "
                let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : " "
                if !(before.isASCII && before.isNumber), !(after.isASCII && after.isNumber) { return true }
                rest = rest[range.upperBound...]
            }
            return false
        }
    }

    static func yearsText(_ years: Set<Int>) -> String { years.sorted().map(String.init).joined(separator: "/") }

    /// `3, 7, 12` — at most ten, then `…`.
    static func list(_ lines: [Int]) -> String {
        lines.prefix(10).map(String.init).joined(separator: ", ") + (lines.count > 10 ? ", …" : "")
    }
}
