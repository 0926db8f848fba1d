/// Where a ledger item stands in a community (or the street section).
public enum ItemStatus: String, Sendable, CaseIterable, Codable {
    /// 未检查: nobody has looked yet (the default).
    case notReviewed = "not-reviewed"
    /// 已归档: the documents are filed.
    case filed
    /// 已确认: the group lead ticked it.
    case ticked
    /// 已抽验: verified in a mock inspection.
    case verified
    /// 不适用: does not apply here (a reason is required).
    case notApplicable = "na"

    public var chinese: String {
        switch self {
        case .notReviewed: "未检查"
        case .filed: "已归档"
        case .ticked: "已确认"
        case .verified: "已抽验"
        case .notApplicable: "不适用"
        }
    }

    /// The statuses a person sets by ticking (未检查 is reached by unticking).
    public static let settable: [ItemStatus] = [.filed, .ticked, .verified, .notApplicable]

    /// Parses a status as the command line (`--status`) and the web form (`status=`) spell
    /// it: `filed`, `ticked`, `verified` or `na`. Anything else is nil, never a default.
    public init?(argument: String) {
        guard let status = ItemStatus(rawValue: argument), ItemStatus.settable.contains(status) else { return nil }
        self = status
    }

    /// The status says the documents are there (filed, ticked or verified).
    public var claimsDocuments: Bool { self == .filed || self == .ticked || self == .verified }

    /// A lead has signed the item off: ticked, verified or not applicable (`status`'s "done").
    public var isSignedOff: Bool { self == .ticked || self == .verified || self == .notApplicable }

    /// The status confirms an item kept in place (a board, a register): ticked or verified.
    /// Filed only says a photo is in the folder.
    public var confirmsInPlace: Bool { self == .ticked || self == .verified }
}

/// The tracker's record of one item in one unit, as the indexes show it.
public struct ItemStatusInfo: Sendable, Equatable {
    public var status: ItemStatus
    public var by: String?
    /// `2014-11-20 09:30` (UTC+8)
    public var at: String?
    public var flagged: Bool
    /// The note of the last change: for items kept in place, where they are.
    public var note: String?

    public init(status: ItemStatus, by: String? = nil, at: String? = nil, flagged: Bool = false, note: String? = nil) {
        self.status = status
        self.by = by
        self.at = at
        self.flagged = flagged
        self.note = note
    }
}

/// Where the generator learns item statuses (the tracker); unit is `street` or a community id.
public protocol ItemStatusSource: Sendable {
    func status(unit: String, item: String) -> ItemStatusInfo?
}
