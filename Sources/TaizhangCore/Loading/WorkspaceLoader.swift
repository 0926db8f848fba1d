import Foundation
import TaizhangDiagnostics
import TaizhangXML

/// Loads a workspace: parse the master file, expand XIncludes, validate against the schema,
/// build the model, then run the semantic checks. Every problem comes back as a diagnostic.
public struct WorkspaceLoader: Sendable {
    /// The workspace directory.
    public let root: String
    /// The schema to validate with; by default the workspace's own `checklists/schema/taizhang.xsd`.
    public let schemaFile: String

    public static let masterPath = "checklists/taizhang.xml"
    public static let schemaPath = "checklists/schema/taizhang.xsd"

    /// The figure ids scoring rules may read; nil skips that check (see `WorkspaceValidator`).
    public var knownFigures: Set<String>?

    /// For a command that ends right after loading (`validate`): the parsed checklists are
    /// left for the process's exit to release instead of being freed node by node, a
    /// millisecond of a 28 ms `validate`. Never for a process that keeps running (`serve`).
    public var leavesDocumentToExit = false

    public init(root: String, schemaFile: String? = nil) {
        let absolute = StandardPath.of(root)
        self.root = absolute
        self.schemaFile = schemaFile ?? absolute + "/" + WorkspaceLoader.schemaPath
    }

    public var masterFile: String { root + "/" + WorkspaceLoader.masterPath }

    public struct Result: Sendable {
        /// The workspace, when it could be built (it may still have semantic errors).
        public var workspace: Workspace?
        public var diagnostics: [Diagnostic]

        /// The workspace, if there were no errors.
        public var validWorkspace: Workspace? { diagnostics.hasErrors ? nil : workspace }
    }

    public func load() -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            return Result(
                workspace: nil,
                diagnostics: [
                    .error(
                        "workspace.missing", "no workspace at \(root); pass --workspace DIR, the folder that holds checklists/taizhang.xml")
                ])
        }
        guard FileManager.default.fileExists(atPath: masterFile) else {
            return Result(
                workspace: nil,
                diagnostics: [
                    .error(
                        "workspace.missing", "\(WorkspaceLoader.masterPath) not found in \(root); run taizhang in a workspace or pass --workspace DIR")
                ])
        }
        guard FileManager.default.fileExists(atPath: schemaFile) else {
            return Result(
                workspace: nil,
                diagnostics: [
                    .error("workspace.missing", "\(WorkspaceLoader.schemaPath) not found in \(root); copy checklists/schema/ from the Taizhang repository")
                ])
        }
        let (schema, schemaDiagnostics) = XMLSchema.load(file: schemaFile)
        guard let schema else { return Result(workspace: nil, diagnostics: schemaDiagnostics) }
        let parsed = XMLDocument.parse(file: masterFile)
        var diagnostics = parsed.diagnostics
        guard let document = parsed.document else { return Result(workspace: nil, diagnostics: diagnostics) }
        if leavesDocumentToExit { _ = Unmanaged.passRetained(document) }
        if let top = document.root, top.name != "taizhang" {
            diagnostics.append(.error("checklist.wrong-root", "the root element of \(WorkspaceLoader.masterPath) must be <taizhang>, not <\(top.name)>", at: top.location))
            return Result(workspace: nil, diagnostics: diagnostics)
        }
        diagnostics += document.processXIncludes(within: root)
        if diagnostics.hasErrors { return Result(workspace: nil, diagnostics: diagnostics) }
        diagnostics += SchemaHints.annotate(schema.validate(document), schemaFile: schemaFile)
        if diagnostics.hasErrors { return Result(workspace: nil, diagnostics: diagnostics) }
        guard let top = document.root else { return Result(workspace: nil, diagnostics: diagnostics) }
        let builder = ModelBuilder(root: root)
        let workspace = builder.build(top)
        diagnostics += builder.diagnostics
        diagnostics += WorkspaceValidator(workspace: workspace, knownFigures: knownFigures ?? (workspace.figures.isEmpty ? nil : workspace.figures.figureIDs)).validate()
        diagnostics += FiguresValidator(figures: workspace.figures, street: workspace.street, root: root).validate()
        return Result(workspace: workspace, diagnostics: diagnostics)
    }
}

/// Turns a schema-valid element tree into the model. The schema has already guaranteed the
/// structure and the types, so missing values here fall back to neutral defaults.
final class ModelBuilder {
    let root: String
    /// Problems found while interpreting values the schema cannot check (conditions, due dates).
    private(set) var diagnostics: [Diagnostic] = []

    init(root: String) { self.root = root }

    func build(_ top: XMLElement) -> Workspace {
        let street = top.child(named: "street").map(buildStreet) ?? emptyStreet(at: top.location)
        var catalogue =
            top.child(named: "catalogue").map(buildCatalogue)
            ?? Catalogue(name: nil, totalPoints: nil, categories: [], location: top.location)
        let tasks = top.children(named: "tasks").flatMap { $0.children(named: "task").map(buildTask) }
        var figures = Figures()
        if let element = top.child(named: "figures") {
            var builder = FiguresBuilder()
            figures = builder.build(element)
            diagnostics += builder.diagnostics
        }
        let labels = Dictionary(figures.definitions.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        // Each indicator gets the labels of the figures its rules name: looked up per rule,
        // instead of testing every label against every rule of every indicator.
        for c in catalogue.categories.indices {
            for i in catalogue.categories[c].indicators.indices {
                var named: [String: String] = [:]
                for rule in catalogue.categories[c].indicators[i].rules {
                    if let figure = rule.figure, let label = labels[figure] { named[figure] = label }
                }
                catalogue.categories[c].indicators[i].figureLabels = named
            }
        }
        return Workspace(root: root, street: street, catalogue: catalogue, tasks: tasks, figures: figures)
    }

    private func emptyStreet(at location: SourceLocation) -> Street {
        Street(
            id: "", name: "", year: 0, periodStart: Day(ordinal: 0), periodEnd: Day(ordinal: 0), inspectionDate: Day(ordinal: 0),
            attributeDefinitions: [], communities: [], people: [], groups: [], contingencies: [], location: location)
    }

    private func reference(_ element: XMLElement, _ attribute: String) -> Reference? {
        element.attribute(attribute).map { Reference($0, at: element.location(ofAttribute: attribute)) }
    }

    private func flag(_ element: XMLElement, _ attribute: String) -> Bool {
        let value = element.attribute(attribute)
        return value == "true" || value == "1"
    }

    private func day(_ element: XMLElement, _ attribute: String) -> Day {
        element.attribute(attribute).flatMap(Day.init) ?? Day(ordinal: 0)
    }

    private func buildStreet(_ e: XMLElement) -> Street {
        let definitions = (e.child(named: "attributes")?.children(named: "attribute") ?? []).map { a in
            AttributeDefinition(
                name: a.attribute("name") ?? "", kind: AttributeDefinition.Kind(rawValue: a.attribute("type") ?? "") ?? .text,
                label: a.attribute("label") ?? "", defaultValue: a.attribute("default"), location: a.location)
        }
        let communities = (e.child(named: "communities")?.children(named: "community") ?? []).map { c in
            Community(
                id: c.attribute("id") ?? "", name: c.attribute("name") ?? "", code: c.attribute("code") ?? "",
                lead: reference(c, "lead"), folder: c.attribute("folder"),
                values: c.children(named: "set").map {
                    Community.AttributeValue(name: $0.attribute("name") ?? "", value: $0.attribute("value") ?? "", location: $0.location)
                },
                location: c.location,
                quantities: c.children(named: "quantity").map {
                    Community.QuantityOverride(
                        item: $0.attribute("item") ?? "", value: Int($0.attribute("value") ?? "") ?? 1, location: $0.location)
                })
        }
        let people = (e.child(named: "people")?.children(named: "person") ?? []).map { p in
            // The schema restricts `roles` to PersonRole's values; `preparation="true"` is the
            // older spelling of `roles="preparation"`.
            var roles = Set((p.attribute("roles") ?? "").split(whereSeparator: \.isWhitespace).compactMap { PersonRole(rawValue: String($0)) })
            if flag(p, "preparation") { roles.insert(.preparation) }
            return Person(
                id: p.attribute("id") ?? "", name: p.attribute("name") ?? "", role: p.attribute("role") ?? "",
                community: reference(p, "community"), roles: roles, location: p.location, phone: p.attribute("phone"))
        }
        let groups = (e.child(named: "groups")?.children(named: "group") ?? []).map { g in
            WorkingGroup(
                id: g.attribute("id") ?? "", number: Int(g.attribute("number") ?? "") ?? 0, name: g.attribute("name") ?? "",
                lead: reference(g, "lead") ?? Reference("", at: g.location),
                members: g.children(named: "member").compactMap { reference($0, "ref") },
                duties: g.children(named: "duty").map { $0.text.trimmed },
                role: g.attribute("role").flatMap(GroupRole.init(rawValue:)),
                location: g.location)
        }
        let contingencies = (e.child(named: "contingencies")?.children(named: "contingency") ?? []).map { c in
            Contingency(
                id: c.attribute("id") ?? "", level: c.attribute("level") ?? "",
                group: reference(c, "group") ?? Reference("", at: c.location),
                situation: c.child(named: "situation")?.text.trimmed ?? "",
                response: c.child(named: "response")?.text.trimmed ?? "",
                location: c.location)
        }
        var street = Street(
            id: e.attribute("id") ?? "", name: e.attribute("name") ?? "", office: e.attribute("office"),
            section: e.attribute("section"), district: e.attribute("district"),
            year: Int(e.attribute("year") ?? "") ?? 0,
            periodStart: day(e, "periodStart"), periodEnd: day(e, "periodEnd"), inspectionDate: day(e, "inspectionDate"),
            folder: e.attribute("folder"), attributeDefinitions: definitions, communities: communities, people: people,
            groups: groups, contingencies: contingencies, location: e.location)
        if let terms = e.child(named: "terms") {
            street.terms = UnitTerms(
                upper: terms.attribute("upper") ?? UnitTerms.default.upper, lower: terms.attribute("lower") ?? UnitTerms.default.lower)
        }
        return street
    }

    private func buildCatalogue(_ e: XMLElement) -> Catalogue {
        let level = e.attribute("level").flatMap(Level.init(rawValue:)) ?? .both
        var catalogue = Catalogue(
            name: e.attribute("name"), totalPoints: e.attribute("totalPoints").flatMap(Decimal2.init),
            categories: e.children(named: "category").map { buildCategory($0, level: level) }, location: e.location)
        catalogue.isPartial = flag(e, "partial")
        catalogue.level = level
        return catalogue
    }

    /// Levels are inherited: catalogue → category → indicator → item, each may narrow its parent's.
    private func buildCategory(_ e: XMLElement, level inherited: Level) -> Category {
        let code = e.attribute("code") ?? ""
        let categoryLevel = e.attribute("level").flatMap(Level.init(rawValue:)) ?? inherited
        var parents: [IndicatorParent] = []
        var indicators: [Indicator] = []
        /// Nested indicators are flattened: parts become the category's indicators, parents are kept aside.
        func collect(_ element: XMLElement, parent: String?, inheritedGroup: Reference?, inheritedLevel: Level) {
            let nested = element.children(named: "indicator")
            let ownLevel = element.attribute("level").flatMap(Level.init(rawValue:)) ?? inheritedLevel
            if nested.isEmpty {
                var indicator = buildIndicator(element, category: code, inheritedGroup: inheritedGroup, inheritedLevel: inheritedLevel)
                indicator.parentCode = parent
                indicators.append(indicator)
                return
            }
            let own = element.attribute("code") ?? ""
            if let rule = element.children.first(where: { ScoringRule.elementNames.contains($0.name) }) {
                diagnostics.append(
                    .error(
                        "scoring.rules-on-parent", "indicator \(own) is made of parts, so its own scoring rules would not count",
                        at: rule.location, notes: ["put the rules on its parts (the nested <indicator> elements)"]))
            }
            if flag(element, "veto") {
                diagnostics.append(
                    .error(
                        "scoring.rules-on-parent", "indicator \(own) is made of parts, so veto=\"true\" on it would not count",
                        at: element.location(ofAttribute: "veto"), notes: ["set veto=\"true\" on the part whose failure vetoes the unit"]))
            }
            parents.append(
                IndicatorParent(
                    code: own, name: element.attribute("name") ?? "",
                    points: element.attribute("points").flatMap(Decimal2.init) ?? .zero,
                    isPartial: flag(element, "partial"),
                    parentCode: parent, location: element.location))
            for child in nested {
                collect(child, parent: own, inheritedGroup: reference(element, "group") ?? inheritedGroup, inheritedLevel: ownLevel)
            }
        }
        for indicator in e.children(named: "indicator") { collect(indicator, parent: nil, inheritedGroup: nil, inheritedLevel: categoryLevel) }
        var category = Category(
            code: code, name: e.attribute("name") ?? "", points: e.attribute("points").flatMap(Decimal2.init),
            folder: e.attribute("folder"),
            indicators: indicators, location: e.location)
        category.parents = parents
        category.isPartial = flag(e, "partial")
        category.level = categoryLevel
        return category
    }

    private func amount(_ e: XMLElement, _ attribute: String) -> Decimal2? {
        e.attribute(attribute).flatMap(Decimal2.init)
    }

    private func buildRule(_ e: XMLElement) -> ScoringRule? {
        let kind: ScoringRule.Kind
        switch e.name {
        case "deductPerMissing":
            kind = .perMissing(
                amount: amount(e, "amount") ?? .zero,
                per: ScoringRule.MissingUnit(rawValue: e.attribute("per") ?? "document") ?? .document,
                item: e.attribute("item"))
        case "deductPerCase":
            kind = .perCase(amount: amount(e, "amount") ?? .zero, label: e.attribute("label"), item: e.attribute("item"), figure: e.attribute("figure"))
        case "rate":
            kind = .rate(
                figure: e.attribute("figure"), target: amount(e, "target") ?? .zero,
                perPoint: e.attribute("credit") == "proportional" ? nil : amount(e, "deductPerPoint") ?? .zero)
        case "threshold":
            kind = .threshold(figure: e.attribute("figure"), target: amount(e, "target") ?? .zero)
        case "bonus":
            kind = .bonus(amount: amount(e, "amount") ?? .zero, max: amount(e, "max"), figure: e.attribute("figure"))
        case "cap":
            kind = .cap(max: amount(e, "max"), negative: flag(e, "negative"))
        default:
            return nil
        }
        return ScoringRule(kind, at: e.location)
    }

    private func buildIndicator(_ e: XMLElement, category: String, inheritedGroup: Reference? = nil, inheritedLevel: Level = .both) -> Indicator {
        let code = e.attribute("code") ?? ""
        let group = reference(e, "group") ?? inheritedGroup
        let level = e.attribute("level").flatMap(Level.init(rawValue:)) ?? inheritedLevel
        let conditionText = e.attribute("appliesWhen")
        var condition: Condition?
        if let conditionText {
            do {
                condition = try Condition(parsing: conditionText)
            } catch {
                diagnostics.append(.error("checklist.bad-condition", "appliesWhen: \(error.message)", at: e.location(ofAttribute: "appliesWhen")))
            }
        }
        return Indicator(
            code: code, categoryCode: category, name: e.attribute("name") ?? "",
            points: e.attribute("points").flatMap(Decimal2.init) ?? .zero,
            method: VerificationMethod(rawValue: e.attribute("method") ?? "") ?? .ledgerReview,
            level: level, group: group, isVeto: flag(e, "veto"),
            appliesWhen: condition,
            appliesWhenLocation: conditionText == nil ? nil : e.location(ofAttribute: "appliesWhen"),
            standard: e.child(named: "standard")?.text.trimmed ?? "",
            items: e.children(named: "item").map { buildItem($0, category: category, indicator: code, group: group, level: level) },
            location: e.location,
            rules: e.children.compactMap(buildRule),
            isScored: e.attribute("points") != nil)
    }

    private func buildItem(_ e: XMLElement, category: String, indicator: String, group: Reference?, level: Level) -> LedgerItem {
        let own = reference(e, "group")
        var item = LedgerItem(
            code: e.attribute("code") ?? "", title: e.attribute("title") ?? "", categoryCode: category, indicatorCode: indicator,
            group: own ?? group, hasOwnGroup: own != nil,
            level: e.attribute("level").flatMap(Level.init(rawValue:)) ?? level,
            folder: e.attribute("folder"),
            documents: e.children(named: "document").map { d in
                var document = ExpectedDocument(
                    title: d.attribute("title") ?? "", quantity: min(max(Int(d.attribute("quantity") ?? "1") ?? 1, 1), ExpectedDocument.maximumQuantity),
                    period: ExpectedDocument.Period(rawValue: d.attribute("period") ?? "once") ?? .once,
                    date: d.attribute("date").flatMap(Day.init), location: d.location)
                document.variants = d.children(named: "variant").compactMap { $0.attribute("name") }
                document.quantityFrom = reference(d, "quantityFrom")
                document.dueDay = d.attribute("dueDay").flatMap { Int($0) }
                return document
            },
            hints: e.children(named: "hint").map { h in
                EvidenceHint(
                    match: EvidenceHint.Match(rawValue: h.attribute("match") ?? "any") ?? .any,
                    text: h.text.trimmed, location: h.location)
            },
            note: e.child(named: "note")?.text.trimmed,
            location: e.location)
        item.kind = e.attribute("kind").flatMap(ItemKind.init(rawValue:)) ?? .file
        return item
    }

    private func buildTask(_ e: XMLElement) -> TaskDefinition {
        var due: TaskDefinition.Due?
        let id = e.attribute("id") ?? ""
        switch (e.attribute("due"), e.attribute("before")) {
        case (nil, nil):
            diagnostics.append(.error("checklist.task-due", "task \(id) needs a due date (due=\"YYYY-MM-DD\") or days before inspection (before=\"N\")", at: e.location))
        case (.some, .some):
            diagnostics.append(.error("checklist.task-due", "task \(id) has both due and before; keep one", at: e.location(ofAttribute: "before")))
        default:
            break
        }
        if let date = e.attribute("due").flatMap(Day.init) {
            due = .date(date)
        } else if let before = e.attribute("before").flatMap(Int.init) {
            due = .daysBefore(before)
        }
        return TaskDefinition(
            id: id, group: reference(e, "group") ?? Reference("", at: e.location),
            owner: reference(e, "owner") ?? Reference("", at: e.location),
            title: e.text.trimmed, due: due, location: e.location)
    }
}
