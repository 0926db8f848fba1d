import Foundation

/// Which months (or quarters) of the statistical year a set of file names covers, so that an
/// item expecting 12 monthly reports can say "7/12, missing 2014年3月、2014年4月".
public struct PeriodCoverage: Sendable, Equatable {
    public struct Month: Hashable, Comparable, Sendable {
        public var year: Int
        public var month: Int
        public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
        public var chinese: String { "\(year)年\(month)月" }
    }

    public var expected: [Month]
    public var found: Set<Month>
    public var missing: [Month] { expected.filter { !found.contains($0) } }

    /// The months of the statistical year, in order (October to September for the default).
    public static func months(from start: Day, to end: Day) -> [Month] {
        var result: [Month] = []
        var year = start.year, month = start.month
        while (year, month) <= (end.year, end.month) {
            result.append(Month(year: year, month: month))
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }

    // 2014年3月 · 2014-03 · 2014.3 · 201403 · 3月 (year from the statistical period)
    private static let patternSources = [
        #"(20\d\d)\s*年\s*(\d{1,2})\s*月"#,
        #"(20\d\d)[-_.](\d{1,2})(?!\d)"#,
        #"(?<!\d)(20\d\d)(0[1-9]|1[0-2])(?!\d)"#,
        #"(?<![\d年])(\d{1,2})\s*月"#,
    ]

    /// Compiled per use, never shared between threads: on Linux an NSRegularExpression wraps
    /// an ICU matcher that must not be used from two threads at once.
    static func compiledPatterns() -> [NSRegularExpression] {
        patternSources.compactMap { try? NSRegularExpression(pattern: $0) }
    }

    /// The patterns compiled once, on first use, for one thread's many lookups (not Sendable,
    /// on purpose).
    public final class Patterns {
        lazy var expressions: [NSRegularExpression] = PeriodCoverage.compiledPatterns()
        public init() {}
    }

    private static let chineseNumerals: [String: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12]
    /// `十二月` before `二月`: the longest numeral first.
    private static let chineseMonths = chineseNumerals.sorted { $0.key.count > $1.key.count }.map { (text: $0.key + "月", month: $0.value) }

    /// The month a file name names, if any; a month without a year is placed in the period.
    public static func month(in name: String, period: [Month]) -> Month? {
        month(in: name, period: period, patterns: compiledPatterns())
    }

    /// Every pattern needs a year (`20…`) or a `月`: most scanned names have neither, and four
    /// regular expressions failing on each took a twentieth of a repeat scan.
    /// Searched as UTF-8 bytes (`月` is E6 9C 88): Foundation's `contains` took as long as the
    /// regular expressions.
    static func mayNameAMonth(_ name: String) -> Bool {
        var last: UInt8 = 0, beforeLast: UInt8 = 0
        for byte in name.utf8 {
            if last == UInt8(ascii: "2") && byte == UInt8(ascii: "0") { return true }
            if beforeLast == 0xE6 && last == 0x9C && byte == 0x88 { return true }
            (beforeLast, last) = (last, byte)
        }
        return false
    }

    static func month(in name: String, period: [Month], patterns: [NSRegularExpression]) -> Month? {
        guard mayNameAMonth(name) else { return nil }
        let range = NSRange(name.startIndex..., in: name)
        for (index, pattern) in patterns.enumerated() {
            guard let match = pattern.firstMatch(in: name, range: range) else { continue }
            func group(_ i: Int) -> Int? { Range(match.range(at: i), in: name).flatMap { Int(name[$0]) } }
            if index < 3, let year = group(1), let month = group(2), (1...12).contains(month) {
                return Month(year: year, month: month)
            }
            if index == 3, let month = group(1), (1...12).contains(month) {
                return period.first { $0.month == month }
            }
        }
        // 三月 / 十二月 (every form of a month names 月; most file names do not)
        guard name.contains("月") else { return nil }
        for (text, month) in chineseMonths where name.contains(text) {
            return period.first { $0.month == month }
        }
        return nil
    }

    public init(names: [String], start: Day, end: Day) {
        let months = Self.months(from: start, to: end)
        expected = months
        let patterns = Self.compiledPatterns()
        found = Set(names.compactMap { Self.month(in: $0, period: months, patterns: patterns) })
    }
}
