import TaizhangDiagnostics

/// Checks what the schema cannot: unique ids, rules and values naming defined figures, units
/// that exist, values reported twice only under a `same` rule, and rates whose denominator is 0.
struct FiguresValidator {
    let figures: Figures
    let street: Street
    /// The workspace, for positions in notes.
    let root: String

    func validate() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var definitions: [String: SourceLocation] = [:]
        for definition in figures.definitions {
            diagnostics += firstOf(
                definition.id, at: definition.location, in: &definitions, id: "figures.duplicate-figure",
                "figure \(definition.id) is defined twice", note: "first defined at")
        }
        var unitIDs = [FigureUnit.street]
        var units: Set<String> = [FigureUnit.street]
        for community in street.communities where units.insert(community.id).inserted { unitIDs.append(community.id) }
        // Only error messages need the list; joining it every time cost a conformance scan.
        var unitList: String { unitIDs.joined(separator: ", ") }
        var ruleIDs: [String: SourceLocation] = [:]
        var formulas: [String: SourceLocation] = [:]
        for rule in figures.rules {
            diagnostics += firstOf(
                rule.id, at: rule.location, in: &ruleIDs, id: "figures.duplicate-rule",
                "rule id \(rule.id) is used twice", note: "first used at")
            for figure in rule.figures where definitions[figure] == nil {
                diagnostics.append(
                    .error("figures.unknown-figure", "rule \(rule.id) names figure \(figure), which is not defined" + NearestNames.didYouMean(figure, among: definitions.keys), at: rule.location))
            }
            if case .formula(let formula) = rule.kind {
                diagnostics += firstOf(
                    formula.figure, at: rule.location, in: &formulas, id: "figures.duplicate-formula",
                    "figure \(formula.figure) already has a formula; rule \(rule.id) defines it again", note: "first formula at")
            }
            for explanation in rule.explanations {
                if let unit = explanation.unit, !units.contains(unit) {
                    diagnostics.append(.error("figures.unknown-unit", "explanation of rule \(rule.id) names unit \(unit); units are \(unitList)", at: explanation.location))
                }
            }
        }
        for unit in figures.units where !units.contains(unit.id) {
            diagnostics.append(.error("figures.unknown-unit", "unknown unit \(unit.id); units are \(unitList)", at: unit.location))
        }
        let sameFigures = Set(
            figures.rules.compactMap { rule -> String? in
                if case .same(let figure) = rule.kind { return figure }
                return nil
            })
        for (index, value) in figures.values.enumerated() {
            guard definitions[value.figure] != nil else {
                diagnostics.append(
                    .error("figures.unknown-figure", "value for figure \(value.figure), which is not defined" + NearestNames.didYouMean(value.figure, among: definitions.keys), at: value.location))
                continue
            }
            // The values reported before this one for the same figure and unit, from the
            // positions `Figures` keeps (most pairs are reported once: nothing to collect).
            let positions = figures.positions(of: value.figure, unit: value.unit)
            let earlier = positions.count < 2 ? [] : positions.prefix { $0 < index }.map { figures.values[$0] }
            if let first = earlier.first {
                let notes = ["first reported at \(position(first.location))"]
                if !sameFigures.contains(value.figure) {
                    diagnostics.append(
                        .error(
                            "figures.duplicate-value", "\(value.figure) is reported twice for \(value.unit); to compare two reports, give each a source and add <same figure=\"\(value.figure)\"/>",
                            at: value.location, notes: notes))
                } else if value.source == nil || earlier.contains(where: { $0.source == nil }) {
                    diagnostics.append(
                        .error(
                            "figures.duplicate-value", "\(value.figure) is reported twice for \(value.unit), once without a source; give each report its source=\"…\"", at: value.location, notes: notes
                        ))
                } else if earlier.contains(where: { $0.source == value.source }) {
                    diagnostics.append(
                        .error(
                            "figures.duplicate-value", "\(value.figure) is reported twice for \(value.unit) from the same source; give each report its own source=\"…\"", at: value.location,
                            notes: notes))
                }
            }
        }
        for rule in figures.rules {
            guard case .formula(let formula) = rule.kind else { continue }
            // Only units whose denominator is 0 are reported, in sorted order: sorting just
            // those (usually none) gives the same order as sorting every unit. They are found
            // among the units that report the denominator, not by looking up every unit.
            let zeroDenominators = figures.unitsFirstReportingZero(formula.denominator).filter(units.contains).sorted()
            for unit in zeroDenominators {
                guard let denominator = figures.firstReported(formula.denominator, unit: unit), denominator.value == 0 else { continue }
                let rate = figures.firstReported(formula.figure, unit: unit)
                let numerator = figures.firstReported(formula.numerator, unit: unit)
                let notes = ["\(formula.denominator) reported at \(position(denominator.location))"]
                if let rate {
                    diagnostics.append(
                        .error(
                            "figures.division-by-zero",
                            "\(formula.figure) (\(unit)) cannot be recomputed: its denominator \(formula.denominator) is 0; correct the denominator or leave the rate out",
                            at: rate.location, notes: notes))
                } else if let numerator, numerator.value > 0 {
                    diagnostics.append(
                        .error(
                            "figures.division-by-zero",
                            "\(formula.numerator) (\(unit)) is not 0 but \(formula.denominator) is, so \(formula.figure) cannot be computed; correct \(formula.denominator)",
                            at: numerator.location, notes: notes))
                }
            }
        }
        return diagnostics
    }

    /// Remembers the first place of `key`; a second one is an error pointing back to the first.
    private func firstOf(
        _ key: String, at location: SourceLocation, in seen: inout [String: SourceLocation],
        id: String, _ message: String, note: String
    ) -> [Diagnostic] {
        guard let first = seen[key] else {
            seen[key] = location
            return []
        }
        return [.error(id, message, at: location, notes: ["\(note) \(position(first))"])]
    }

    /// `file:line` for notes, relative to the workspace.
    func position(_ location: SourceLocation) -> String {
        Diagnostic.displayPath(location.file, relativeTo: root) + ":\(location.line)"
    }
}
