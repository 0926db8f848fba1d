import TaizhangDiagnostics

/// The 数据统计 pages and the figures in index.xml: what each unit reports, the rates
/// recomputed from their counts, and the flags of `figures check` (shown, never hidden: people
/// explain a legitimate difference on the page instead).
extension PageRenderer {
    private var figures: Figures { workspace.figures }
    private var values: FigureValues { FigureValues(workspace.figures) }

    /// The unit's 数据统计 page; nil when the workspace defines no figures.
    func figuresUnitFile(_ unit: UnitPlan) -> GeneratedPage? {
        guard !figures.isEmpty else { return nil }
        let flags = figureFlags.filter { $0.unit == unit.id }
        let rows: [FigureRow] = figures.definitions.compactMap { definition in
            let reported = figures.reported(definition.id, unit: unit.id)
            let recomputed = recomputation(definition.id, unit: unit.id)
            guard !reported.isEmpty || recomputed != nil else { return nil }
            let own = flags.filter { $0.figure == definition.id }
            return FigureRow(
                label: definition.label, measure: definition.unit,
                reported: reported.isEmpty ? nil : reported.map(Self.reportedText).joined(separator: "；"),
                recomputed: recomputed, flags: own.map(flagRow),
                rowClass: own.map(\.severity).min().map(Self.severityClass) ?? "")
        }
        let flagRows = flags.map(flagRow)
        let page = FiguresUnitPage(
            header: header, unitName: unit.name, isSample: figures.units.contains { $0.id == unit.id && $0.isSample },
            rows: rows, hasRows: !rows.isEmpty, flags: flagRows, hasFlags: !flagRows.isEmpty,
            errorCount: flags.count { $0.severity == .error }, warningCount: flags.count { $0.severity == .warning },
            noteCount: flags.count { $0.severity == .note },
            streetFiguresHref: PageFormat.href(["..", GeneratedName.streetFigures]), indexHref: GeneratedName.index)
        return self.page(GeneratedName.figures, "figures-unit", page)
    }

    /// The street page comparing the units side by side; nil when the workspace defines no figures.
    func figuresStreetFile(plan: PackPlan) -> GeneratedPage? {
        guard !figures.isEmpty else { return nil }
        let units = plan.units.map(\.id)
        let communities = workspace.street.communities.map(\.id)
        let rows: [FigureComparisonRow] = figures.definitions.compactMap { definition in
            let cells = units.map { unit -> FigureCell in
                let severity = figureFlags.filter { $0.unit == unit && $0.figure == definition.id }.map(\.severity).min()
                return FigureCell(text: cellText(definition.id, unit: unit) ?? "—", cellClass: severity.map(Self.severityClass) ?? "")
            }
            guard cells.contains(where: { $0.text != "—" }) else { return nil }
            return FigureComparisonRow(
                label: definition.label, measure: definition.unit,
                cells: cells + [FigureCell(text: communityTotal(definition.id, communities: communities) ?? "—", cellClass: "")])
        }
        let page = FiguresStreetPage(
            header: header, columns: plan.units.map(\.name) + ["\(workspace.street.terms.lower)合计"], rows: rows,
            flags: figureFlags.map(flagRow), hasFlags: !figureFlags.isEmpty,
            errorCount: figureFlags.count { $0.severity == .error }, warningCount: figureFlags.count { $0.severity == .warning },
            noteCount: figureFlags.count { $0.severity == .note }, hasSampleValues: figures.units.contains(where: \.isSample))
        return self.page(GeneratedName.streetFigures, "figures-street", page)
    }

    /// The figures of some units for index.xml (all units for the street index).
    func indexFigures(units: [String]) -> IndexFigures? {
        guard !figures.isEmpty else { return nil }
        var entries: [IndexFigures.Entry] = []
        for unit in units {
            for definition in figures.definitions {
                let reported = figures.reported(definition.id, unit: unit)
                let recomputed = recomputedRounded(definition.id, unit: unit)
                if reported.isEmpty, let recomputed {
                    entries.append(.init(unit: unit, definition: definition, reported: nil, recomputed: recomputed))
                }
                for value in reported {
                    entries.append(.init(unit: unit, definition: definition, reported: value, recomputed: recomputed))
                }
            }
        }
        return IndexFigures(entries: entries, flags: figureFlags.filter { units.contains($0.unit) })
    }

    // MARK: Helpers

    /// `425 / 459 × 100 = 92.59` when the unit reports both counts of a rate.
    private func recomputation(_ figure: String, unit: String) -> String? {
        guard let (_, formula) = figures.formula(for: figure), let (numerator, denominator) = values.operands(formula, unit: unit),
            let rounded = recomputedRounded(figure, unit: unit)
        else { return nil }
        return "\(Self.plain(numerator)) / \(Self.plain(denominator)) × \(FiguresChecker.limit(formula.scale)) = \(rounded)"
    }

    /// The recomputed rate, rounded as reported.
    private func recomputedRounded(_ figure: String, unit: String) -> String? {
        guard let (_, formula) = figures.formula(for: figure), let exact = values.recomputed(figure, unit: unit) else { return nil }
        return FigureNumber.format(exact, decimals: formula.decimals)
    }

    /// What the comparison shows: the recomputed rate, else the first reported value.
    private func cellText(_ figure: String, unit: String) -> String? {
        recomputedRounded(figure, unit: unit) ?? figures.reported(figure, unit: unit).first.map(Self.plain)
    }

    /// Σ communities for counts; Σ numerators / Σ denominators for rates; nil unless every community reports.
    private func communityTotal(_ figure: String, communities: [String]) -> String? {
        func total(_ id: String) -> (Double, Int)? {
            let reported = communities.compactMap { figures.reported(id, unit: $0).first }
            guard !communities.isEmpty, reported.count == communities.count else { return nil }
            return (reported.reduce(0) { $0 + $1.value }, reported.map(\.decimals).max() ?? 0)
        }
        if let (_, formula) = figures.formula(for: figure) {
            guard let (numerator, _) = total(formula.numerator), let (denominator, _) = total(formula.denominator), denominator != 0 else { return nil }
            return FigureNumber.format(numerator / denominator * formula.scale, decimals: formula.decimals)
        }
        return total(figure).map { FigureNumber.format($0.0, decimals: $0.1) }
    }

    private func flagRow(_ flag: FigureFlag) -> FigureFlagRow {
        FigureFlagRow(
            unitName: flag.unitName, label: flag.label, severity: Self.severityText(flag.severity),
            severityClass: Self.severityClass(flag.severity), arithmetic: flag.arithmeticChinese,
            rule: flag.rule, explanation: flag.explanation)
    }

    static func reportedText(_ value: ReportedFigure) -> String {
        plain(value) + (value.source.map { "（\($0)）" } ?? "")
    }

    static func plain(_ value: ReportedFigure) -> String { FigureNumber.format(value.value, decimals: value.decimals) }

    static func severityText(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: "不一致"
        case .warning: "提醒"
        case .note: "已说明"
        }
    }

    static func severityClass(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: "missing"
        case .warning: "partial"
        case .note: "na"
        }
    }
}

/// The figures written into index.xml.
struct IndexFigures {
    struct Entry {
        var unit: String
        var definition: FigureDefinition
        var reported: ReportedFigure?
        var recomputed: String?
    }

    var entries: [Entry]
    var flags: [FigureFlag]
}
