import Foundation

/// One item in one unit, as far as scoring is concerned.
public struct ItemEvidence: Sendable, Equatable {
    public var status: ItemStatus
    /// A failed mock inspection.
    public var flagged: Bool
    /// Documents found by the last scan; nil when the unit was never scanned.
    public var present: Int?
    /// Cases counted by the latest mock inspection (`mock record --cases`).
    public var cases: Int?
    /// A rate in percent measured by the latest mock inspection (`mock record --rate`).
    public var rate: Double?

    public init(status: ItemStatus = .notReviewed, flagged: Bool = false, present: Int? = nil, cases: Int? = nil, rate: Double? = nil) {
        self.status = status
        self.flagged = flagged
        self.present = present
        self.cases = cases
        self.rate = rate
    }
}

/// A unit id (`street` or a community id) and an item code.
public struct UnitItem: Hashable, Sendable {
    public var unit: String
    public var item: String

    public init(unit: String, item: String) {
        self.unit = unit
        self.item = item
    }
}

/// Everything the estimate reads.
public struct ScoreInputs: Sendable {
    public var items: [UnitItem: ItemEvidence]
    public var figures: any FigureValueSource

    public init(items: [UnitItem: ItemEvidence] = [:], figures: any FigureValueSource = NoFigureValues()) {
        self.items = items
        self.figures = figures
    }

    public func evidence(_ unit: String, _ item: String) -> ItemEvidence { items[UnitItem(unit: unit, item: item)] ?? ItemEvidence() }
}

/// The estimated score: the assessors' arithmetic applied to what is on file today.
///
/// A pure function of the pack plan and the inputs. Items are complete when ticked, verified or
/// not applicable and not flagged; otherwise their missing documents are the expected ones less
/// those the last scan found (a filed item never scanned counts as complete on paper, a flagged
/// one misses at least one). Indicators without typed rules earn their points in proportion to
/// complete items, and nothing once an item failed a mock inspection.
public struct ScoreEstimator: Sendable {
    public let plan: PackPlan
    public let catalogue: Catalogue

    public init(plan: PackPlan, catalogue: Catalogue) {
        self.plan = plan
        self.catalogue = catalogue
    }

    public func estimate(_ inputs: ScoreInputs) -> [UnitScore] {
        plan.units.map { estimate(unit: $0, inputs) }
    }

    public func estimate(unit: UnitPlan, _ inputs: ScoreInputs) -> UnitScore {
        var order: [String] = []
        var byIndicator: [String: (indicator: Indicator, items: [ItemPlan])] = [:]
        for item in unit.items {
            if byIndicator[item.indicator.code] == nil { order.append(item.indicator.code) }
            byIndicator[item.indicator.code, default: (item.indicator, [])].items.append(item)
        }
        var indicators: [IndicatorScore] = []
        var veto: String?
        for code in order {
            guard let (indicator, items) = byIndicator[code], indicator.isScored else { continue }
            let score = score(indicator, items: items, unit: unit, inputs)
            if indicator.isVeto, let flagged = items.first(where: { inputs.evidence(unit.id, $0.item.code).flagged }), veto == nil {
                veto = "\(indicator.code) \(indicator.name)：\(flagged.item.code) 模拟检查未通过（一票否决）"
            }
            indicators.append(score)
        }
        let maximum = indicators.reduce(Decimal2.zero) { $0 + $1.points }
        let earned = indicators.reduce(Decimal2.zero) { $0 + $1.earned }
        let parents = catalogue.categories.flatMap(\.parents).compactMap { parent -> ParentScore? in
            let parts = indicators.filter { isPart($0.code, of: parent.code) }
            guard !parts.isEmpty else { return nil }
            return ParentScore(
                code: parent.code, name: parent.name, points: parent.points,
                earned: parts.reduce(Decimal2.zero) { $0 + $1.earned }, parts: parts.map(\.code))
        }
        return UnitScore(
            unit: unit.id, name: unit.name, maximum: maximum, total: veto == nil ? earned : .zero,
            vetoed: veto, indicators: indicators, parents: parents)
    }

    /// Whether indicator `code` lies under parent `parent`, at any depth.
    private func isPart(_ code: String, of parent: String) -> Bool {
        let parents = Dictionary(catalogue.categories.flatMap(\.parents).map { ($0.code, $0.parentCode) }, uniquingKeysWith: { a, _ in a })
        var current = catalogue.allIndicators.first { $0.code == code }?.parentCode
        while let code = current {
            if code == parent { return true }
            current = parents[code] ?? nil
        }
        return false
    }

    // MARK: One indicator

    private struct ItemFacts {
        var plan: ItemPlan
        var evidence: ItemEvidence
        var complete: Bool
        var missingDocuments: Int
        var missing: Bool { missingDocuments > 0 }
    }

    private func facts(_ item: ItemPlan, unit: String, _ inputs: ScoreInputs) -> ItemFacts {
        let evidence = inputs.evidence(unit, item.item.code)
        let signedOff = [.ticked, .verified, .notApplicable].contains(evidence.status)
        let complete = signedOff && !evidence.flagged
        let expected = item.item.expectedCount
        var missing = 0
        if !complete {
            if !item.item.kind.expectsFiles {
                // A board or register kept in place counts as one, missing until confirmed.
                missing = 1
            } else if let present = evidence.present {
                missing = max(0, expected - present)
            } else if evidence.status == .notReviewed {
                missing = expected
            }
            if evidence.flagged { missing = max(missing, 1) }
        }
        return ItemFacts(plan: item, evidence: evidence, complete: complete, missingDocuments: missing)
    }

    private func score(_ indicator: Indicator, items: [ItemPlan], unit: UnitPlan, _ inputs: ScoreInputs) -> IndicatorScore {
        let facts = items.map { self.facts($0, unit: unit.id, inputs) }
        var result = IndicatorScore(
            code: indicator.code, name: indicator.name, parent: indicator.parentCode, points: indicator.points,
            earned: indicator.points, rule: RuleText.describe(indicator, terms: plan.terms), isVeto: indicator.isVeto)
        func deduct(_ amount: Decimal2, _ reason: String, item: ItemFacts? = nil, figure: String? = nil, community: String? = nil) {
            guard amount > .zero else { return }
            result.deductions.append(
                Deduction(
                    unit: unit.id, indicator: indicator.code, indicatorName: indicator.name, item: item?.plan.item.code,
                    itemTitle: item?.plan.item.title, figure: figure, figureLabel: figure.flatMap { indicator.figureLabels[$0] },
                    community: community, amount: amount, lost: amount,
                    reason: reason, missingDocuments: item?.missingDocuments ?? 0,
                    group: (item?.plan.item.group ?? indicator.group)?.id))
        }

        if indicator.rules.isEmpty {
            if let flagged = facts.first(where: { $0.evidence.flagged }) {
                deduct(indicator.points, "模拟检查未通过，本项不得分（无评分细则）", item: flagged)
            } else {
                // Points in proportion to complete items; the shares add up exactly to the points.
                let n = max(facts.count, 1)
                for (index, fact) in facts.enumerated() where !fact.complete {
                    let share = indicator.points.hundredths * (index + 1) / n - indicator.points.hundredths * index / n
                    deduct(Decimal2(hundredths: share), fact.missing ? "缺 \(fact.missingDocuments) 份资料，未确认（按条目比例）" : "资料已归档，待确认（按条目比例）", item: fact)
                }
            }
            return finish(result, cap: indicator.points, negative: false)
        }

        func candidates(_ code: String?) -> [ItemFacts] { code.map { c in facts.filter { $0.plan.item.code == c } } ?? facts }
        func value(_ figure: String?, _ code: String?) -> (Double, String)? {
            if let figure, let v = inputs.figures.value(of: figure, unit: unit.id) { return (v, figure) }
            let rates = candidates(code).compactMap(\.evidence.rate)
            return rates.min().map { ($0, "模拟检查") }
        }
        func percent(_ v: Double) -> String { Decimal2(rounding: v).description + "%" }

        var cap = indicator.points
        var negative = false
        for rule in indicator.rules {
            let words = RuleText.describe(rule.kind, figureLabels: indicator.figureLabels, terms: plan.terms)
            switch rule.kind {
            case let .perMissing(amount, .document, code):
                for fact in candidates(code) where fact.missing {
                    let what = fact.plan.item.kind.expectsFiles ? "缺 \(fact.missingDocuments) 份资料" : "\(fact.plan.item.kind.chinese)未确认"
                    deduct(amount * fact.missingDocuments, "\(what)（\(words)）", item: fact)
                }
            case let .perMissing(amount, .item, code):
                for fact in candidates(code) where fact.missing {
                    deduct(amount, "台账不全（\(words)）", item: fact)
                }
            case let .perMissing(amount, .community, code):
                if unit.kind == .community {
                    if let fact = candidates(code).first(where: \.missing) {
                        deduct(amount, "本\(plan.terms.lower)台账不全（\(words)）", item: fact, community: unit.id)
                    }
                } else {
                    for community in plan.units where community.kind == .community {
                        let theirs = community.items.filter { $0.indicator.code == indicator.code && (code == nil || $0.item.code == code) }
                        if let fact = theirs.map({ self.facts($0, unit: community.id, inputs) }).first(where: \.missing) {
                            deduct(amount, "\(community.name)台账不全（\(words)）", item: fact, community: community.id)
                        }
                    }
                }
            case let .perCase(amount, label, code, figure):
                if let figure {
                    guard let v = inputs.figures.value(of: figure, unit: unit.id) else {
                        result.unknown.append("\(figure) 暂无数值")
                        continue
                    }
                    deduct(Decimal2(rounding: amount.doubleValue * v), "\(label ?? "问题") \(Decimal2(rounding: v)) 例（\(words)）", figure: figure)
                } else {
                    for fact in candidates(code) {
                        let cases = fact.evidence.cases ?? (fact.evidence.flagged ? 1 : 0)
                        if cases > 0 { deduct(amount * cases, "模拟检查发现\(label ?? "问题") \(cases) 例（\(words)）", item: fact) }
                    }
                }
            case let .rate(figure, target, perPoint):
                guard let (v, source) = value(figure, nil) else {
                    result.unknown.append("\(figure.map { indicator.figureLabels[$0] ?? $0 } ?? "比率") 暂无数值（用 mock record --rate 记录）")
                    continue
                }
                guard v < target.doubleValue else { continue }
                let below = target.doubleValue - v
                let lost =
                    perPoint.map { Decimal2(rounding: below * $0.doubleValue) }
                    ?? Decimal2(rounding: indicator.points.doubleValue * below / max(target.doubleValue, 0.01))
                deduct(lost, "比率 \(percent(v))，低于目标 \(target)%（\(words)）", figure: source == "模拟检查" ? nil : source)
            case let .threshold(figure, target):
                guard let (v, source) = value(figure, nil) else {
                    result.unknown.append("\(figure.map { indicator.figureLabels[$0] ?? $0 } ?? "比率") 暂无数值（用 mock record --rate 记录）")
                    continue
                }
                if v < target.doubleValue {
                    deduct(indicator.points, "比率 \(percent(v))，未达到 \(target)%（\(words)）", figure: source == "模拟检查" ? nil : source)
                }
            case let .bonus(amount, max, figure):
                var earned = Decimal2.zero
                if let figure {
                    if let v = inputs.figures.value(of: figure, unit: unit.id) { earned = Decimal2(rounding: amount.doubleValue * v) }
                } else if facts.allSatisfy(\.complete) {
                    earned = amount
                }
                if let max, earned > max { earned = max }
                result.bonus = result.bonus + earned
            case let .cap(max, allowsNegative):
                negative = allowsNegative
                cap = max ?? (allowsNegative ? Decimal2(hundredths: Int.max / 4) : indicator.points)
            }
        }
        return finish(result, cap: cap, negative: negative)
    }

    /// Applies the cap and works out, per deduction, the points closing it would recover.
    private func finish(_ score: IndicatorScore, cap: Decimal2, negative: Bool) -> IndicatorScore {
        var result = score
        let limit = negative ? cap : min(cap, score.points)
        func applied(_ total: Decimal2) -> Decimal2 { min(total, limit) }
        let total = result.deductions.reduce(Decimal2.zero) { $0 + $1.amount }
        let lost = applied(total)
        for index in result.deductions.indices {
            result.deductions[index].lost = lost - applied(total - result.deductions[index].amount)
        }
        result.capped = total > lost
        result.earned = result.points - lost + result.bonus
        return result
    }
}

/// A deduction and why: the rule, the item or figure, and the amount.
public struct Deduction: Sendable, Codable, Equatable {
    public var unit: String
    public var indicator: String
    public var indicatorName: String
    public var item: String?
    public var itemTitle: String?
    public var figure: String?
    /// The figure's Chinese label.
    public var figureLabel: String?
    /// The community concerned, for per-community rules.
    public var community: String?
    /// The deduction the rule gives.
    public var amount: Decimal2
    /// The points recovered if this gap alone were closed (less than `amount` when a cap applies).
    public var lost: Decimal2
    public var reason: String
    public var missingDocuments: Int
    /// The owner group (id).
    public var group: String?

    /// What the deduction is about, as pages and reports show it: the item, else the figure.
    public var subject: String { ScoreSubject.text(item: item, itemTitle: itemTitle, figure: figure, figureLabel: figureLabel) }
}

/// How a deduction or gap names its subject: `01.06 目标管理责任书`, or a figure's label.
enum ScoreSubject {
    static func text(item: String?, itemTitle: String?, figure: String?, figureLabel: String?) -> String {
        item.map { "\($0) \(itemTitle ?? "")" } ?? figureLabel ?? figure ?? ""
    }
}

public struct IndicatorScore: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var parent: String?
    public var points: Decimal2
    public var earned: Decimal2
    /// The rule in words.
    public var rule: String
    public var isVeto: Bool
    public var deductions: [Deduction] = []
    public var bonus: Decimal2 = .zero
    /// Whether the deductions reached the cap (扣完为止).
    public var capped = false
    /// Values the rules need but nobody has recorded yet.
    public var unknown: [String] = []
}

public struct ParentScore: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var points: Decimal2
    public var earned: Decimal2
    public var parts: [String]
}

/// The estimate for one unit (the street section or a community).
public struct UnitScore: Sendable, Codable, Equatable {
    public var unit: String
    public var name: String
    public var maximum: Decimal2
    public var total: Decimal2
    /// Why the unit was vetoed (一票否决), if it was.
    public var vetoed: String?
    public var indicators: [IndicatorScore]
    public var parents: [ParentScore]

    /// Every deduction, largest loss first.
    public var deductions: [Deduction] {
        indicators.flatMap(\.deductions).sorted { ($1.lost, $0.indicator, $0.item ?? "") < ($0.lost, $1.indicator, $1.item ?? "") }
    }

    /// `82.5/100`, with （一票否决） when vetoed.
    public var summary: String { "\(total)/\(maximum)" + (vetoed == nil ? "" : "（一票否决）") }
}

extension Decimal2: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(rounding: try decoder.singleValueContainer().decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(hundredths) / 100)
    }
}
