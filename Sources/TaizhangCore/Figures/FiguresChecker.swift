import TaizhangDiagnostics

/// One place where the figures do not add up, with the arithmetic written out.
public struct FigureFlag: Sendable {
    public enum Kind: String, Sendable, Codable {
        case formula, sum, communitySum = "community-sum", range, same
    }

    /// The rule's id from figures.xml.
    public var rule: String
    public var kind: Kind
    /// `street` or a community id.
    public var unit: String
    public var unitName: String
    /// The figure whose reported value is flagged.
    public var figure: String
    public var label: String
    /// error or warning as the rule says; note when the rule carries an explanation (说明).
    public var severity: Diagnostic.Severity
    /// `459 + 890 = 1349, reported 1479 (差 130)`.
    public var arithmetic: String
    /// The same in Chinese, for the printed 数据统计 pages: `459 + 890 = 1349，上报 1479（差 130）`.
    public var arithmeticChinese: String
    public var reported: Double?
    public var computed: Double?
    /// reported − computed.
    public var difference: Double?
    public var explanation: String?
    /// Where the flagged value is written.
    public var location: SourceLocation

    /// The diagnostic id, one per kind of rule.
    public var diagnosticID: String {
        switch kind {
        case .formula: "figures.rate-mismatch"
        case .sum: "figures.sum-mismatch"
        case .communitySum: "figures.community-sum-mismatch"
        case .range: "figures.out-of-range"
        case .same: "figures.disagree"
        }
    }

    /// `东湖街道 常住人口出生数 (births-resident): 459 + 890 = 1349, reported 1479 (差 130); rule births-resident-parts`.
    public var message: String { "\(unitName) \(label) (\(figure)): \(arithmetic); rule \(rule)" }

    /// The flag as a diagnostic; `severity` lets `generate` show errors as warnings.
    public func diagnostic(severity: Diagnostic.Severity? = nil) -> Diagnostic {
        Diagnostic(
            severity ?? self.severity, diagnosticID, message, at: location,
            notes: explanation.map { ["说明: \($0)"] } ?? [])
    }
}

/// Applies every figure rule to every unit and lists where the figures do not add up.
public struct FiguresChecker: Sendable {
    public let workspace: Workspace
    let values: FigureValues

    public init(workspace: Workspace) {
        self.workspace = workspace
        self.values = FigureValues(workspace.figures)
    }

    private var figures: Figures { workspace.figures }

    /// `street` then the communities, in the order of street.xml.
    public var unitIDs: [String] { [FigureUnit.street] + workspace.street.communities.map(\.id) }

    public func unitName(_ unit: String) -> String {
        unit == FigureUnit.street ? workspace.street.name : workspace.street.community(unit)?.name ?? unit
    }

    /// Every flag, by unit (street first) then rule order; only `units` when given.
    public func check(units: Set<String>? = nil) -> [FigureFlag] {
        var flags: [FigureFlag] = []
        for unit in unitIDs where units?.contains(unit) ?? true {
            for rule in figures.rules {
                flags += check(rule, unit: unit)
            }
        }
        return flags
    }

    func check(_ rule: FigureRule, unit: String) -> [FigureFlag] {
        switch rule.kind {
        case .formula(let formula):
            guard let rate = values.reported(formula.figure, unit: unit),
                let (numerator, denominator) = values.operands(formula, unit: unit)
            else { return [] }
            let exact = numerator.value / denominator.value * formula.scale
            let rounded = FigureNumber.rounded(exact, decimals: formula.decimals)
            let difference = rate.value - rounded
            guard abs(difference) > rule.tolerance + Self.epsilon else { return [] }
            let decimals = max(formula.decimals, rate.decimals)
            let expression = "\(show(numerator)) / \(show(denominator)) × \(Self.limit(formula.scale)) = \(FigureNumber.format(rounded, decimals: formula.decimals))"
            let gap = FigureNumber.format(difference, decimals: decimals)
            let text = ("\(expression), reported \(show(rate)) (差 \(gap))", "\(expression)，上报 \(show(rate))（差 \(gap)）")
            return [flag(rule, .formula, unit: unit, value: rate, text: text, computed: exact, difference: difference)]
        case .sum(let total, let parts):
            guard let reported = values.reported(total, unit: unit) else { return [] }
            let operands = parts.compactMap { values.reported($0, unit: unit) }
            guard operands.count == parts.count else { return [] }
            return sumFlag(rule, .sum, unit: unit, total: reported, operands: operands, prefix: ("", ""))
        case .communitySum(let figure):
            guard unit == FigureUnit.street, let reported = values.reported(figure, unit: unit) else { return [] }
            let operands = workspace.street.communities.compactMap { values.reported(figure, unit: $0.id) }
            guard !operands.isEmpty, operands.count == workspace.street.communities.count else { return [] }
            return sumFlag(
                rule, .communitySum, unit: unit, total: reported, operands: operands,
                prefix: ("Σ \(operands.count) 个\(workspace.street.terms.lower): ", "\(operands.count)个\(workspace.street.terms.lower)合计 "))
        case .range(let figure, let min, let max):
            var candidates = figures.reported(figure, unit: unit).map { ($0, $0.value, show($0)) }
            if candidates.isEmpty, let exact = values.recomputed(figure, unit: unit),
                let (_, formula) = figures.formula(for: figure), let (numerator, _) = values.operands(formula, unit: unit)
            {
                candidates = [(numerator, exact, FigureNumber.format(exact, decimals: formula.decimals))]
            }
            let recomputed = figures.reported(figure, unit: unit).isEmpty
            return candidates.compactMap { value, number, shown in
                let (english, chinese) = recomputed ? ("recomputed " + shown, "重新计算为 " + shown) : (shown, shown)
                var text: (String, String), difference: Double
                if let min, number < min - rule.tolerance - Self.epsilon {
                    text = ("\(english) is below the minimum \(Self.limit(min))", "\(chinese) 低于下限 \(Self.limit(min))")
                    difference = number - min
                } else if let max, number > max + rule.tolerance + Self.epsilon {
                    text = ("\(english) is above the maximum \(Self.limit(max))", "\(chinese) 高于上限 \(Self.limit(max))")
                    difference = number - max
                } else {
                    return nil
                }
                var result = flag(
                    rule, .range, unit: unit, value: value, figure: figure, text: text,
                    computed: recomputed ? number : nil, difference: difference)
                if recomputed { result.reported = nil }
                return result
            }
        case .same(let figure):
            let reports = figures.reported(figure, unit: unit)
            guard let first = reports.first else { return [] }
            return reports.dropFirst().compactMap { other in
                let difference = other.value - first.value
                guard abs(difference) > rule.tolerance + Self.epsilon else { return nil }
                let comparison = "\(first.source.map { $0 + " " } ?? "")\(show(first)) ≠ \(other.source.map { $0 + " " } ?? "")\(show(other))"
                let gap = FigureNumber.format(difference, decimals: max(first.decimals, other.decimals))
                let text = ("\(comparison) (差 \(gap))", "\(comparison)（差 \(gap)）")
                return flag(rule, .same, unit: unit, value: other, text: text, computed: first.value, difference: difference)
            }
        }
    }

    private func sumFlag(
        _ rule: FigureRule, _ kind: FigureFlag.Kind, unit: String, total: ReportedFigure,
        operands: [ReportedFigure], prefix: (String, String)
    ) -> [FigureFlag] {
        let sum = operands.reduce(0) { $0 + $1.value }
        let difference = total.value - sum
        guard abs(difference) > rule.tolerance + Self.epsilon else { return [] }
        let decimals = operands.reduce(total.decimals) { max($0, $1.decimals) }
        let expression = operands.map(show).joined(separator: " + ") + " = \(FigureNumber.format(sum, decimals: decimals))"
        let gap = FigureNumber.format(difference, decimals: decimals)
        let text = (prefix.0 + expression + ", reported \(show(total)) (差 \(gap))", prefix.1 + expression + "，上报 \(show(total))（差 \(gap)）")
        return [flag(rule, kind, unit: unit, value: total, text: text, computed: sum, difference: difference)]
    }

    private func flag(
        _ rule: FigureRule, _ kind: FigureFlag.Kind, unit: String, value: ReportedFigure, figure: String? = nil,
        text: (String, String), computed: Double?, difference: Double
    ) -> FigureFlag {
        let id = figure ?? value.figure
        let explanation = rule.explanation(for: unit)
        let severity: Diagnostic.Severity = explanation != nil ? .note : rule.severity == .warning ? .warning : .error
        return FigureFlag(
            rule: rule.id, kind: kind, unit: unit, unitName: unitName(unit), figure: id,
            label: figures.definition(id)?.label ?? id, severity: severity, arithmetic: text.0, arithmeticChinese: text.1,
            reported: value.value, computed: computed.map { FigureNumber.rounded($0, decimals: 6) },
            difference: FigureNumber.rounded(difference, decimals: 6),
            explanation: explanation, location: value.location)
    }

    /// A reported value as written, without separators.
    private func show(_ value: ReportedFigure) -> String { FigureNumber.format(value.value, decimals: value.decimals) }

    /// A range limit as written: 95, 0.5.
    static func limit(_ value: Double) -> String { FigureNumber.format(value, decimals: FigureNumber.decimals(of: value)) }

    /// Below any rounding step that a reported figure can have (six decimals).
    static let epsilon = 1e-9
}
