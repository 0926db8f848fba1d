import Foundation
import TaizhangDiagnostics

/// The indicator catalogue (考评指标体系 and 台账目录): categories → indicators → ledger items.
public struct Catalogue: Sendable {
    public var name: String?
    public var totalPoints: Decimal2?
    public var categories: [Category]
    public var location: SourceLocation
    /// The published text lists only some categories: the declared total stands and the listed parts need not add up.
    public var isPartial = false
    /// Where the whole catalogue is kept (`level` on `<catalogue>`); categories inherit it.
    public var level: Level = .both

    /// Whether any indicator carries points; an unscored catalogue (registers, boards) shows no points at all.
    public var isScored: Bool { allIndicators.contains(where: \.isScored) }

    public var allIndicators: [Indicator] { categories.flatMap(\.indicators) }

    /// The total points: the declared total, else the categories' (declared or summed).
    public var declaredTotal: Decimal2 {
        totalPoints ?? categories.reduce(Decimal2.zero) { $0 + ($1.points ?? $1.indicators.reduce(Decimal2.zero) { $0 + $1.points }) }
    }
    public var allItems: [LedgerItem] { categories.flatMap { $0.indicators.flatMap(\.items) } }
}

/// How inspectors verify an indicator (测评方式).
public enum VerificationMethod: String, Sendable, CaseIterable {
    case documentReview = "document-review"
    case ledgerReview = "ledger-review"
    case siteVisit = "site-visit"
    case householdCheck = "household-check"
    case phoneCheck = "phone-check"
    case systemCheck = "system-check"

    public var chinese: String {
        switch self {
        case .documentReview: "查看文件"
        case .ledgerReview: "查阅台账"
        case .siteVisit: "实地考察"
        case .householdCheck: "入户抽查"
        case .phoneCheck: "电话访谈"
        case .systemCheck: "核对信息库"
        }
    }
}

/// Where an indicator's evidence is kept: the street section, every community, or both.
public enum Level: String, Sendable {
    case street, community, both

    /// `街道`, `社区` or `街道和社区`, in the street's own terms (乡镇/村 …).
    public func label(_ terms: UnitTerms) -> String {
        switch self {
        case .street: terms.upper
        case .community: terms.lower
        case .both: "\(terms.upper)和\(terms.lower)"
        }
    }

    /// In the default terms (街道/社区); pages use `label(street.terms)`.
    public var chinese: String { label(.default) }

    /// Whether a part written at `self` stays inside its parent's `parent` level.
    public func fits(in parent: Level) -> Bool { parent == .both || self == parent }

    public var includesStreet: Bool { self != .community }
    public var includesCommunities: Bool { self != .street }
}

/// A category (项目): one numbered binder in every pack.
public struct Category: Sendable {
    public var code: String
    public var name: String
    public var points: Decimal2?
    public var folder: String?
    public var indicators: [Indicator]
    public var location: SourceLocation
    /// Parent indicators whose parts are among `indicators` (nested indicators).
    public var parents: [IndicatorParent] = []
    /// The published text lists only some indicators: `points` stands and the listed parts need not add up.
    public var isPartial = false
    /// Where the category's ledgers are kept (its own `level`, else the catalogue's).
    public var level: Level = .both

    public var items: [LedgerItem] { indicators.flatMap(\.items) }
}

/// A scored indicator (指标).
public struct Indicator: Sendable {
    public var code: String
    public var categoryCode: String
    public var name: String
    public var points: Decimal2
    public var method: VerificationMethod
    public var level: Level
    /// The default owner group of the indicator's items.
    public var group: Reference?
    public var isVeto: Bool
    public var appliesWhen: Condition?
    public var appliesWhenLocation: SourceLocation?
    /// The assessment standard (评估标准), deduction rule included.
    public var standard: String
    public var items: [LedgerItem]
    public var location: SourceLocation
    /// Typed scoring rules (评分细则); empty: points in proportion to complete items.
    public var rules: [ScoringRule] = []
    /// The Chinese labels of the figures its rules read (id → label), for rules in words.
    public var figureLabels: [String: String] = [:]
    /// False when the indicator has no points (an unscored catalogue): pages show no "0 分".
    public var isScored = true
    /// The parent indicator when this one is a part of a nested indicator.
    public var parentCode: String?
}

/// A ledger item (台账条目): one folder in a binder, with the documents it must hold.
public struct LedgerItem: Sendable {
    public var code: String
    public var title: String
    public var categoryCode: String
    public var indicatorCode: String
    /// The owner group: the item's own, else its indicator's (nil is a validation error).
    public var group: Reference?
    /// Whether the group was written on the item itself.
    public var hasOwnGroup: Bool
    public var level: Level
    /// What the item is: a file in a folder, or a register, card, book, board or wall chart kept in place.
    public var kind: ItemKind = .file
    public var folder: String?
    public var documents: [ExpectedDocument]
    public var hints: [EvidenceHint]
    public var note: String?
    public var location: SourceLocation

    /// Documents expected in all (every variant of every period counted).
    public var expectedCount: Int { documents.reduce(0) { $0 + $1.expectedCount } }
}

/// What a ledger item is (`kind` on `<item>`): 表, 卡, 册, 牌, 上墙, 电子 or 文件.
///
/// Files (文件) and forms (表) are filed as documents in the item's folder. The other kinds
/// are shown where they are kept — registers and cards in the ledger room, boards and charts on
/// the wall, records in the information system: they expect no file, are checked by ticking
/// with a note saying where they are, and get no cover, catalogue or spine label.
public enum ItemKind: String, Sendable, CaseIterable {
    case register, card, book, board, wall, system, file

    public var chinese: String {
        switch self {
        case .register: "表"
        case .card: "卡"
        case .book: "册"
        case .board: "牌"
        case .wall: "上墙"
        case .system: "电子"
        case .file: "文件"
        }
    }

    /// Filed as documents in the item's folder (文件, 表); the other kinds are kept in place.
    public var expectsFiles: Bool { self == .file || self == .register }

    /// Where an item of this kind is shown, for the 上墙及实物清单 page.
    public var placeLabel: String {
        switch self {
        case .board, .wall: "上墙"
        case .system: "信息系统"
        default: "实物（台账室）"
        }
    }
}

public struct ExpectedDocument: Sendable {
    public enum Period: String, Sendable {
        case once, monthly, quarterly, annual

        public var chinese: String {
            switch self {
            case .once: "一次性"
            case .monthly: "每月"
            case .quarterly: "每季度"
            case .annual: "每年"
            }
        }
    }

    /// The most copies one document line may ask for (the schema's `Quantity` says the same):
    /// enough for any ledger, small enough that no sum of them can overflow.
    public static let maximumQuantity = 1000

    public var title: String
    /// 1…`maximumQuantity`: copies, or for a periodic document the periods it covers (12 monthly reports).
    public var quantity: Int
    public var period: Period
    public var date: Day?
    public var location: SourceLocation
    /// Named reports expected in each period (`<variant name="出生统计月报"/>`); empty: one document.
    public var variants: [String] = []
    /// The unit attribute that gives the quantity per unit (`quantityFrom="villagerGroups"`).
    public var quantityFrom: Reference?
    /// Day of the following month by which a monthly document is due (每月10日前 → 10).
    public var dueDay: Int?

    public init(title: String, quantity: Int, period: Period, date: Day? = nil, location: SourceLocation) {
        self.title = title
        self.quantity = quantity
        self.period = period
        self.date = date
        self.location = location
    }

    /// Files expected: the quantity, times the variants when there are some.
    public var expectedCount: Int { quantity * max(1, variants.count) }
}

/// How to recognise an incoming file as evidence for an item.
public struct EvidenceHint: Sendable {
    public enum Match: String, Sendable { case any, all, exact, regex }
    public var match: Match
    public var text: String
    public var location: SourceLocation

    /// The pattern of a `regex` hint, compiled as matching uses it (case-insensitive); throws
    /// when it is not a valid regular expression. The validator and the matcher both use it.
    public static func compile(_ pattern: String) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }
}

/// A fixed-point number with two decimals (points are 0.5 or 0.25 often; floats would drift).
public struct Decimal2: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value times 100.
    public var hundredths: Int

    public init(hundredths: Int) { self.hundredths = hundredths }

    public init?(_ text: String) {
        let trimmed = text.trimmed
        let negative = trimmed.hasPrefix("-")
        let body = negative || trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = String(parts[1])
            guard digits.count <= 2, digits.allSatisfy(\.isNumber) else { return nil }
            fraction = (Int(digits) ?? 0) * (digits.count == 1 ? 10 : 1)
        }
        hundredths = (whole * 100 + fraction) * (negative ? -1 : 1)
    }

    public static func < (a: Decimal2, b: Decimal2) -> Bool { a.hundredths < b.hundredths }
    public static func + (a: Decimal2, b: Decimal2) -> Decimal2 { Decimal2(hundredths: a.hundredths + b.hundredths) }
    public static func - (a: Decimal2, b: Decimal2) -> Decimal2 { Decimal2(hundredths: a.hundredths - b.hundredths) }
    public static func * (a: Decimal2, n: Int) -> Decimal2 { Decimal2(hundredths: a.hundredths * n) }
    public static let zero = Decimal2(hundredths: 0)

    /// The nearest value with two decimals (half away from zero).
    public init(rounding value: Double) { hundredths = Int((value * 100).rounded()) }

    /// `20`, `2.5`, `0.25`
    public var description: String {
        let sign = hundredths < 0 ? "-" : ""
        let value = abs(hundredths)
        let whole = value / 100
        let fraction = value % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public var doubleValue: Double { Double(hundredths) / 100 }
}

extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    var trimmed: String { trimming(" \t\n\r") }

    /// Without leading and trailing characters from `set`.
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
