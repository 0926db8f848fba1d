import TaizhangDiagnostics

/// One typed scoring rule of an indicator (评分细则), as assessors apply it.
///
/// Deductions stop at the indicator's points (扣完为止) unless a `cap` rule says otherwise.
public struct ScoringRule: Sendable, Equatable {
    /// What a per-missing deduction counts.
    public enum MissingUnit: String, Sendable, CaseIterable {
        /// Each expected document not on file.
        case document
        /// Each ledger item not complete.
        case item
        /// Each community whose ledger items for the indicator are not complete.
        case community
    }

    public enum Kind: Sendable, Equatable {
        /// Deduct `amount` per missing document, item or community (每缺…扣…分).
        case perMissing(amount: Decimal2, per: MissingUnit, item: String?)
        /// Deduct `amount` per reported case (错报、漏登 …), counted by mock inspections or read from a figure.
        case perCase(amount: Decimal2, label: String?, item: String?, figure: String?)
        /// Full marks at or above `target` percent; below it deduct `perPoint` per percentage point,
        /// or, when `perPoint` is nil, earn points in proportion to value ÷ target.
        case rate(figure: String?, target: Decimal2, perPoint: Decimal2?)
        /// All or nothing at `target` percent.
        case threshold(figure: String?, target: Decimal2)
        /// Bonus points (加分): `amount` per counted unit of `figure`, or once when every item is complete; at most `max`.
        case bonus(amount: Decimal2, max: Decimal2?, figure: String?)
        /// Deductions stop at `max` (default: the indicator's points); `negative` lets the indicator go below zero.
        case cap(max: Decimal2?, negative: Bool)
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The element names of the rule kinds, in the order the schema lists them.
    public static let elementNames = ["deductPerMissing", "deductPerCase", "rate", "threshold", "bonus", "cap"]

    /// The figure the rule reads, if any.
    public var figure: String? {
        switch kind {
        case .perCase(_, _, _, let figure), .rate(let figure, _, _), .threshold(let figure, _), .bonus(_, _, let figure): figure
        case .perMissing, .cap: nil
        }
    }
}

/// A parent indicator (e.g. 流动人口 10 = 五率 7 + 资料报表 3): its parts are ordinary
/// indicators of the same category whose `parentCode` names it.
public struct IndicatorParent: Sendable {
    public var code: String
    public var name: String
    public var points: Decimal2
    /// Whether the listed parts need not add up to `points` (the published text lists only some).
    public var isPartial: Bool
    /// The parent of this parent, when nested more than one level deep.
    public var parentCode: String?
    public var location: SourceLocation
}
