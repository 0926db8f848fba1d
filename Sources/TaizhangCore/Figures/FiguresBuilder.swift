import TaizhangDiagnostics
import TaizhangXML

/// Turns a schema-valid `<figures>` element into the model; reads every reported number and
/// reports the ones that are not numbers.
struct FiguresBuilder {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func build(_ element: XMLElement) -> Figures {
        var figures = Figures()
        for child in element.children {
            switch child.name {
            case "figure":
                figures.definitions.append(
                    FigureDefinition(
                        id: child.attribute("id") ?? "", label: child.attribute("label") ?? "",
                        unit: child.attribute("unit") ?? "", location: child.location))
            case "formula", "sum", "range", "same":
                if let rule = rule(child) { figures.rules.append(rule) }
            case "unit":
                let unit = child.attribute("id") ?? ""
                let sample = child.attribute("sample")
                figures.units.append(.init(id: unit, isSample: sample == "true" || sample == "1", location: child.location))
                for value in child.children(named: "value") {
                    let figure = value.attribute("figure") ?? ""
                    // Percent signs are allowed on rates; which figures are rates is known only
                    // once all definitions are read, so numbers are parsed after the loop.
                    pending.append((figure, unit, value))
                }
            default:
                break
            }
        }
        let percent = Set(figures.definitions.filter(\.isPercent).map(\.id))
        var values: [ReportedFigure] = []
        for (figure, unit, element) in pending {
            let text = element.text
            switch FigureNumber.parse(text, percentAllowed: percent.contains(figure)) {
            case .success(let number):
                values.append(
                    ReportedFigure(
                        figure: figure, unit: unit, value: number.value, decimals: number.decimals,
                        source: element.attribute("source"), location: element.location))
            case .failure(let problem):
                diagnostics.append(.error(problem.id, "\(figure) (\(unit)): \(problem.message(text))", at: element.location))
            }
        }
        figures.values = values  // once: assigning re-indexes the values
        return figures
    }

    private var pending: [(String, String, XMLElement)] = []

    private mutating func rule(_ e: XMLElement) -> FigureRule? {
        let id = e.attribute("id") ?? ""
        let tolerance = e.attribute("tolerance").flatMap(Double.init) ?? 0
        let kind: FigureRule.Kind
        switch e.name {
        case "formula":
            kind = .formula(
                .init(
                    figure: e.attribute("figure") ?? "", numerator: e.attribute("numerator") ?? "",
                    denominator: e.attribute("denominator") ?? "",
                    scale: e.attribute("scale").flatMap(Double.init) ?? 100,
                    decimals: e.attribute("decimals").flatMap(Int.init) ?? 2))
        case "sum":
            let parts = e.children(named: "part").map { $0.attribute("figure") ?? "" }
            let total = e.attribute("total") ?? ""
            switch (e.attribute("over"), parts.isEmpty) {
            case (nil, false):
                kind = .sum(total: total, parts: parts)
            case (.some, true):
                kind = .communitySum(figure: total)
            case (nil, true):
                diagnostics.append(.error("figures.bad-sum", "sum \(id) has no parts; list them with <part figure=\"…\"/> or write over=\"communities\"", at: e.location))
                return nil
            case (.some, false):
                diagnostics.append(.error("figures.bad-sum", "sum \(id) has both parts and over=\"communities\"; keep one", at: e.location(ofAttribute: "over")))
                return nil
            }
        case "range":
            let min = e.attribute("min").flatMap(Double.init), max = e.attribute("max").flatMap(Double.init)
            if min == nil && max == nil {
                diagnostics.append(.error("figures.bad-range", "range \(id) needs min, max or both", at: e.location))
                return nil
            }
            if let min, let max, min > max {
                diagnostics.append(.error("figures.bad-range", "range \(id): min \(e.attribute("min") ?? "") is above max \(e.attribute("max") ?? "")", at: e.location(ofAttribute: "min")))
                return nil
            }
            kind = .range(figure: e.attribute("figure") ?? "", min: min, max: max)
        default:
            kind = .same(figure: e.attribute("figure") ?? "")
        }
        return FigureRule(
            id: id, kind: kind, tolerance: tolerance,
            severity: FigureRule.Severity(rawValue: e.attribute("severity") ?? "error") ?? .error,
            explanations: e.children(named: "explanation").map {
                .init(unit: $0.attribute("unit"), text: $0.text.trimmed, location: $0.location)
            },
            location: e.location)
    }
}
