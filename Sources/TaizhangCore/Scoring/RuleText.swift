/// Scoring rules in words (评分细则), generated from the typed rules for every page.
public enum RuleText {
    /// `每缺1份资料扣0.5分；扣完为止`, `不计分` for unscored indicators.
    public static func describe(_ indicator: Indicator, terms: UnitTerms = .default) -> String {
        guard indicator.isScored else { return "不计分" }
        var parts = indicator.rules.compactMap { rule -> String? in
            if case .cap = rule.kind { return nil }
            return describe(rule.kind, figureLabels: indicator.figureLabels, terms: terms)
        }
        if parts.isEmpty { parts.append("按完成条目比例计分") }
        let cap = indicator.rules.lazy.compactMap { rule -> (Decimal2?, Bool)? in
            if case .cap(let max, let negative) = rule.kind { return (max, negative) }
            return nil
        }.first
        let deducts = indicator.rules.contains { rule in
            switch rule.kind {
            case .perMissing, .perCase, .rate(_, _, .some): true
            default: false
            }
        }
        switch cap {
        case let (max?, true)?: parts.append("最多扣\(max)分，可扣至负分")
        case (nil, true)?: parts.append("可扣至负分")
        case let (max?, false)?: parts.append("最多扣\(max)分")
        default: if deducts { parts.append("扣完为止") }
        }
        if indicator.isVeto { parts.append("一票否决") }
        return parts.joined(separator: "；")
    }

    /// One rule in words; a figure is named by its label when `figureLabels` has it.
    public static func describe(_ kind: ScoringRule.Kind, figureLabels: [String: String] = [:], terms: UnitTerms = .default) -> String {
        func figure(_ id: String?) -> String { id.map { "（\(figureLabels[$0] ?? $0)）" } ?? "" }
        func item(_ code: String?) -> String { code.map { "\($0) " } ?? "" }
        switch kind {
        case let .perMissing(amount, per, code):
            let what =
                switch per {
                case .document: "1份资料"
                case .item: "1项台账"
                case .community: "1个\(terms.lower)"
                }
            return "\(item(code))每缺\(what)扣\(amount)分"
        case let .perCase(amount, label, code, id):
            return "\(item(code))每发现1例\(label ?? "问题")\(figure(id))扣\(amount)分"
        case let .rate(id, target, perPoint?):
            return "比率\(figure(id))达到\(target)%得满分，每低1个百分点扣\(perPoint)分"
        case let .rate(id, target, nil):
            return "比率\(figure(id))达到\(target)%得满分，低于\(target)%按比例得分"
        case let .threshold(id, target):
            return "比率\(figure(id))达到\(target)%得满分，未达到不得分"
        case let .bonus(amount, max, id?):
            return "加分：每1项\(figure(id))加\(amount)分" + (max.map { "，最多加\($0)分" } ?? "")
        case let .bonus(amount, max, nil):
            return "加分：台账齐全加\(amount)分" + (max.map { "，最多加\($0)分" } ?? "")
        case let .cap(max, negative):
            return (max.map { "最多扣\($0)分" } ?? "扣完为止") + (negative ? "，可扣至负分" : "")
        }
    }

    /// `6 分`, or `不计分` for an unscored indicator: never "0 分".
    public static func points(_ indicator: Indicator) -> String {
        indicator.isScored ? "\(indicator.points) 分" : "不计分"
    }
}
