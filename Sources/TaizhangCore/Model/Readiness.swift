/// How complete an item's documents are in one unit: the one rule behind the printed index,
/// the street summary, the web pages and `status`.
public enum Completeness: String, Sendable, CaseIterable {
    /// At least as many files as the item expects.
    case complete
    /// Some files, fewer than expected.
    case partial
    /// No file at all.
    case missing
    /// Marked 不适用: nothing is expected.
    case notApplicable = "na"

    public init(present: Int, expected: Int, status: ItemStatus?) {
        if status == .notApplicable {
            self = .notApplicable
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

    public var chinese: String {
        switch self {
        case .failedMock: "模拟检查未通过"
        case .tickedWithoutFiles: "已勾选但无文件"
        case .incompleteDocuments: "已勾选但文件不全"
        case .filesNotReviewed: "已有文件但未检查"
        }
    }

    /// 0 is the most urgent.
    public var rank: Int {
        switch self {
        case .failedMock: 0
        case .tickedWithoutFiles: 1
        case .incompleteDocuments: 2
        case .filesNotReviewed: 3
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

    public init(present: Int, expected: Int, status: ItemStatus?, failedMock: Bool) {
        self.present = present
        self.expected = expected
        self.status = status ?? .notReviewed
        self.failedMock = failedMock
    }

    public var completeness: Completeness { Completeness(present: present, expected: expected, status: status) }

    /// What the item adds to a progress figure (files present / expected): files up to the
    /// expected count; nothing at all when it is 不适用.
    public var progress: (present: Int, expected: Int) {
        status == .notApplicable ? (0, 0) : (min(present, expected), expected)
    }

    /// Every flag that applies, most urgent first.
    public var flags: [ReadinessFlag] {
        var flags: [ReadinessFlag] = []
        if failedMock { flags.append(.failedMock) }
        if status.claimsDocuments {
            if present == 0 {
                flags.append(.tickedWithoutFiles)
            } else if present < expected {
                flags.append(.incompleteDocuments)
            }
        }
        if present > 0, status == .notReviewed { flags.append(.filesNotReviewed) }
        return flags
    }

    /// The flags as one line for a page, or nil when there is none.
    public var flagText: String? {
        let flags = self.flags
        return flags.isEmpty ? nil : flags.map(\.chinese).joined(separator: "；")
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
