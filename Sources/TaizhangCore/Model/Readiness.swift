/// How complete an item's documents are in one unit: the one rule behind the printed index,
/// the street summary, the web pages and `status`.
public enum Completeness: String, Sendable, CaseIterable {
    /// At least as many files as the item expects.
    case complete
    /// Some files, fewer than expected.
    case partial
    /// No file at all.
    case missing
    /// A board, register or other item kept in place that nobody has confirmed yet (待确认):
    /// it expects no file, so it is never 缺失 for lack of one.
    case unconfirmed
    /// Marked 不适用: nothing is expected.
    case notApplicable = "na"

    /// `expectsFiles` is false for items kept in place (`ItemKind.expectsFiles`): they are
    /// complete once ticked (已确认) or verified.
    public init(present: Int, expected: Int, status: ItemStatus?, expectsFiles: Bool = true) {
        if status == .notApplicable {
            self = .notApplicable
        } else if !expectsFiles {
            self = status?.confirmsInPlace == true ? .complete : .unconfirmed
        } else if present >= expected {
            self = .complete
        } else {
            self = present == 0 ? .missing : .partial
        }
    }

    /// Nothing is missing: complete, or not applicable.
    public var isSatisfied: Bool { self == .complete || self == .notApplicable }

    public var chinese: String {
        switch self {
        case .complete: "齐全"
        case .partial: "不全"
        case .missing: "缺失"
        case .unconfirmed: "待确认"
        case .notApplicable: "不适用"
        }
    }
}

/// A warning about an item that needs someone's attention. Declared from most to least
/// urgent; `ItemReadiness.flags` lists them in this order.
public enum ReadinessFlag: String, Sendable, CaseIterable, Comparable {
    /// A mock inspection failed the item (an inspector found a problem).
    case failedMock = "failed-mock"
    /// Marked filed, ticked or verified, but the folder holds no file.
    case tickedWithoutFiles = "ticked-without-files"
    /// Marked filed, ticked or verified, but the folder holds fewer files than expected.
    case incompleteDocuments = "incomplete-documents"
    /// Files are there, but nobody has reviewed the item yet.
    case filesNotReviewed = "files-not-reviewed"
    /// An item kept in place (a board, a register) was confirmed without saying where it is.
    case noLocation = "no-location"

    public var chinese: String {
        switch self {
        case .failedMock: "模拟检查未通过"
        case .tickedWithoutFiles: "已勾选但无文件"
        case .incompleteDocuments: "已勾选但文件不全"
        case .filesNotReviewed: "已有文件但未检查"
        case .noLocation: "已确认但未注明存放位置"
        }
    }

    /// 0 is the most urgent.
    public var rank: Int {
        switch self {
        case .failedMock: 0
        case .tickedWithoutFiles: 1
        case .incompleteDocuments: 2
        case .filesNotReviewed: 3
        case .noLocation: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// One item in one unit, as every output sees it: its files against what is expected, and the
/// tracker's status. Readiness flags and completeness are decided here and nowhere else.
public struct ItemReadiness: Sendable, Equatable {
    public var present: Int
    public var expected: Int
    /// The tracker's status; nil when nobody recorded anything (未检查).
    public var status: ItemStatus
    /// A mock inspection failed it.
    public var failedMock: Bool
    /// False for items kept in place (boards, registers …): checked by ticking, not by files.
    public var expectsFiles: Bool
    /// The tracker's note says where the item is kept (items kept in place need one).
    public var hasNote: Bool

    public init(present: Int, expected: Int, status: ItemStatus?, failedMock: Bool, expectsFiles: Bool = true, hasNote: Bool = false) {
        self.present = present
        self.expected = expected
        self.status = status ?? .notReviewed
        self.failedMock = failedMock
        self.expectsFiles = expectsFiles
        self.hasNote = hasNote
    }

    /// One item as planned for a unit (its kind and this unit's quantities) with its files and
    /// the tracker's record: how every page should build it.
    public init(item: LedgerItem, present: Int, status: ItemStatus?, note: String?, failedMock: Bool) {
        self.init(expected: item.expectedCount, expectsFiles: item.kind.expectsFiles, present: present, status: status, note: note, failedMock: failedMock)
    }

    /// The same from what a caller worked out once per planned item (`LedgerItem.expectedCount`
    /// and `kind.expectsFiles`): the web's items page builds hundreds of these per reload, and
    /// reading them from the item copied the whole `LedgerItem` and summed its documents each time.
    public init(expected: Int, expectsFiles: Bool, present: Int, status: ItemStatus?, note: String?, failedMock: Bool) {
        self.init(
            present: present, expected: expected, status: status, failedMock: failedMock, expectsFiles: expectsFiles,
            hasNote: !(note ?? "").trimmed.isEmpty)
    }

    public var completeness: Completeness { Completeness(present: present, expected: expected, status: status, expectsFiles: expectsFiles) }

    /// What the item adds to a progress figure (present / expected): files up to the expected
    /// count; an item kept in place counts as one, present once confirmed; nothing at all
    /// when it is 不适用.
    public var progress: (present: Int, expected: Int) {
        if status == .notApplicable { return (0, 0) }
        if !expectsFiles { return (status.confirmsInPlace ? 1 : 0, 1) }
        return (min(present, expected), expected)
    }

    /// Every flag that applies, most urgent first.
    public var flags: [ReadinessFlag] {
        var flags: [ReadinessFlag] = []
        forEachFlag { flags.append($0) }
        return flags
    }

    /// Calls `body` with every flag that applies, most urgent first (the one rule behind `flags`).
    private func forEachFlag(_ body: (ReadinessFlag) -> Void) {
        if failedMock { body(.failedMock) }
        if !expectsFiles {
            if status.confirmsInPlace, !hasNote { body(.noLocation) }
        } else if status.claimsDocuments {
            if present == 0 {
                body(.tickedWithoutFiles)
            } else if present < expected {
                body(.incompleteDocuments)
            }
        }
        if present > 0, status == .notReviewed { body(.filesNotReviewed) }
    }

    /// The flags as one line for a page, or nil when there is none. Built without the array of
    /// `flags`: every row of the items page asks, and most have no flag or one.
    public var flagText: String? {
        var text: String?
        forEachFlag { flag in text = text.map { $0 + "；" + flag.chinese } ?? flag.chinese }
        return text
    }
}

/// When a dated piece of work is overdue: not done, and its due day has passed. Tasks on the
/// command line, the web page and `status` all ask this.
public enum Deadline {
    public static func isOverdue(due: Day?, isDone: Bool, today: Day) -> Bool {
        guard !isDone, let due else { return false }
        return due < today
    }

    /// Days past the due day (0 when not yet due or undated).
    public static func daysOverdue(due: Day?, today: Day) -> Int {
        guard let due else { return 0 }
        return max(0, due.days(until: today))
    }
}

/// What a periodic item lacks, by name ("2014年3月 出生统计月报"), and which of those are past
/// their deadline: the one rule behind the index's "缺：…", `scan` and overdue documents.
///
/// Only a monthly document that covers every month of the statistical year (quantity ≥ the
/// months, e.g. 12) is checked month by month; "4 monthly records" may be any four months, and
/// quarterly, annual and one-off documents never list months.
public struct PeriodicGap: Sendable, Equatable {
    public var month: PeriodCoverage.Month
    /// The named report (variant) missing that month, or nil when the document has none.
    public var variant: String?
    /// The day it was due (`dueDay` of the following month), when the document has a deadline.
    public var due: Day?

    /// `2014年3月` or `2014年3月 出生统计月报`
    public var label: String { variant.map { "\(month.chinese) \($0)" } ?? month.chinese }

    /// Every gap of the item's monthly documents, in month order, given its file names.
    /// `patterns`: compiled once by a caller that asks for many items on one thread (`scan`);
    /// compiling them took a quarter of a repeat scan.
    public static func gaps(
        _ item: LedgerItem, fileNames: [String], start: Day, end: Day, patterns shared: PeriodCoverage.Patterns? = nil
    ) -> [PeriodicGap] {
        let months = PeriodCoverage.months(from: start, to: end)
        let checked = item.documents.filter { $0.period == .monthly && $0.quantity >= months.count }
        guard !checked.isEmpty else { return [] }
        // Compiled only when some name may name a month.
        let patterns = fileNames.contains(where: PeriodCoverage.mayNameAMonth) ? shared?.expressions ?? PeriodCoverage.compiledPatterns() : []
        let named = fileNames.map { (month: PeriodCoverage.month(in: $0, period: months, patterns: patterns), name: $0.lowercased()) }
        var gaps: [PeriodicGap] = []
        for month in months {
            let names = named.filter { $0.month == month }.map(\.name)
            for document in checked {
                let due = document.dueDay.flatMap { day in
                    month.month == 12 ? Day(year: month.year + 1, month: 1, day: day) : Day(year: month.year, month: month.month + 1, day: day)
                }
                if document.variants.isEmpty {
                    if names.isEmpty, !gaps.contains(where: { $0.month == month && $0.variant == nil }) {
                        gaps.append(PeriodicGap(month: month, variant: nil, due: due))
                    }
                    continue
                }
                for variant in document.variants where !names.contains(where: { $0.contains(variant.lowercased()) }) {
                    gaps.append(PeriodicGap(month: month, variant: variant, due: due))
                }
            }
        }
        return gaps
    }

    /// The gaps as one line for a page (`2014年3月、2014年4月 出生统计月报`), or nil when none.
    /// An item without any file lists nothing: it is simply missing.
    public static func missingText(_ item: LedgerItem, fileNames: [String], start: Day, end: Day) -> String? {
        guard !fileNames.isEmpty else { return nil }
        let gaps = gaps(item, fileNames: fileNames, start: start, end: end)
        return gaps.isEmpty ? nil : gaps.map(\.label).joined(separator: "、")
    }

    /// Gaps whose deadline has passed by `today` (overdue documents).
    public static func overdue(_ item: LedgerItem, fileNames: [String], start: Day, end: Day, today: Day) -> [PeriodicGap] {
        gaps(item, fileNames: fileNames, start: start, end: end).filter { gap in
            gap.due.map { Deadline.isOverdue(due: $0, isDone: false, today: today) } ?? false
        }
    }
}
