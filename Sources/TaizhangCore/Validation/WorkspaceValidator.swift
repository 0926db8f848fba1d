import Foundation
import TaizhangDiagnostics

/// The semantic checks the schema cannot express. Collects every problem; never stops early.
public struct WorkspaceValidator: Sendable {
    public let workspace: Workspace
    /// The figure ids rules may read; nil (figures not defined) skips that check.
    public let knownFigures: Set<String>?

    public init(workspace: Workspace, knownFigures: Set<String>? = nil) {
        self.workspace = workspace
        self.knownFigures = knownFigures
    }

    public func validate() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        checkUniqueness(&diagnostics)
        checkReferences(&diagnostics)
        checkPoints(&diagnostics)
        checkRules(&diagnostics)
        checkOwnersAndCodes(&diagnostics)
        checkDates(&diagnostics)
        checkConditions(&diagnostics)
        checkHints(&diagnostics)
        checkNames(&diagnostics)
        return diagnostics
    }

    private var street: Street { workspace.street }
    private var catalogue: Catalogue { workspace.catalogue }

    // MARK: Duplicates

    private func checkUniqueness(_ d: inout [Diagnostic]) {
        /// Codes that name folders are compared ignoring letter case, as Windows and USB
        /// sticks (FAT, exFAT, NTFS) do: `01.03a` and `01.03A` would be one folder there.
        func unique(_ what: String, _ entries: [(String, SourceLocation)], namesFolders: Bool = false) {
            // The first entry with each key, by its index: no key or location copied. Short
            // lists (each community's attribute values) are searched directly, which finds the
            // same first entry without hashing every key into a dictionary of their own.
            let isShort = entries.count <= 8
            var firstIndex: [String: Int] = [:]
            if !isShort { firstIndex.reserveCapacity(entries.count) }
            for (index, (key, location)) in entries.enumerated() {
                let folded = namesFolders ? key.lowercased() : key
                var found: Int?
                if isShort {
                    for earlier in 0..<index where (namesFolders ? entries[earlier].0.lowercased() : entries[earlier].0) == folded {
                        found = earlier
                        break
                    }
                } else {
                    found = firstIndex[folded]
                    if found == nil { firstIndex[folded] = index }
                }
                if let earlierIndex = found {
                    let earlier = (key: entries[earlierIndex].0, location: entries[earlierIndex].1)
                    let message =
                        earlier.key == key
                        ? "duplicate \(what) \(key)"
                        : "\(what) \(key) differs from \(earlier.key) only in letter case; Windows would make them one folder"
                    d.append(
                        .error(
                            "checklist.duplicate-code", message, at: location,
                            notes: ["first defined at \(Diagnostic.displayPath(earlier.location.file, relativeTo: workspace.root)):\(earlier.location.line)"]))
                }
            }
        }
        unique("community id", street.communities.map { ($0.id, $0.location) })
        unique("community code", street.communities.map { ($0.code, $0.location) })
        unique("person id", street.people.map { ($0.id, $0.location) })
        unique("group id", street.groups.map { ($0.id, $0.location) })
        unique("group number", street.groups.map { (String($0.number), $0.location) })
        unique("attribute", street.attributeDefinitions.map { ($0.name, $0.location) })
        unique("contingency id", street.contingencies.map { ($0.id, $0.location) })
        unique("category code", catalogue.categories.map { ($0.code, $0.location) }, namesFolders: true)
        unique(
            "indicator code",
            (catalogue.allIndicators.map { ($0.code, $0.location) }
                + catalogue.categories.flatMap { $0.parents.map { ($0.code, $0.location) } }))
        unique("item code", catalogue.allItems.map { ($0.code, $0.location) }, namesFolders: true)
        unique("task id", workspace.tasks.map { ($0.id, $0.location) })
        for community in street.communities {
            unique("attribute value", community.values.map { ($0.name, $0.location) })
        }
    }

    // MARK: References

    private func checkReferences(_ d: inout [Diagnostic]) {
        let people = Set(street.people.map(\.id))
        let groups = Set(street.groups.map(\.id))
        let communities = Set(street.communities.map(\.id))
        func check(_ reference: Reference?, in known: Set<String>, _ what: String, from context: String) {
            guard let reference, !known.contains(reference.id) else { return }
            let hint = NearestNames.didYouMean(reference.id, among: known)
            d.append(.error("checklist.unknown-reference", "\(context) refers to unknown \(what) \"\(reference.id)\"\(hint)", at: reference.location))
        }
        for community in street.communities {
            check(community.lead, in: people, "person", from: "community \(community.id)")
        }
        for person in street.people {
            check(person.community, in: communities, "community", from: "person \(person.id)")
            if person.community == nil, let role = [PersonRole.firstEscort, .escort].first(where: person.roles.contains) {
                d.append(
                    .error(
                        "checklist.escort-without-community",
                        "person \(person.id) has role \(role.rawValue) but no community; an escort walks one community's route",
                        at: person.location))
            }
        }
        for group in street.groups {
            check(group.lead, in: people, "person", from: "group \(group.id)")
            for member in group.members { check(member, in: people, "person", from: "group \(group.id)") }
        }
        for contingency in street.contingencies {
            check(contingency.group, in: groups, "group", from: "contingency \(contingency.id)")
        }
        for indicator in catalogue.allIndicators {
            check(indicator.group, in: groups, "group", from: "indicator \(indicator.code)")
        }
        for item in catalogue.allItems where item.hasOwnGroup {
            check(item.group, in: groups, "group", from: "item \(item.code)")
        }
        for task in workspace.tasks {
            check(task.group, in: groups, "group", from: "task \(task.id)")
            check(task.owner, in: people, "person", from: "task \(task.id)")
        }
    }

    // MARK: Points

    private func checkPoints(_ d: inout [Diagnostic]) {
        /// Parts must add up to the declared points; in a partial list they may fall short but never exceed them.
        func compare(_ what: String, declared: Decimal2, parts: Decimal2, partsName: String, partial: Bool, at location: SourceLocation) {
            if partial {
                if parts > declared {
                    d.append(
                        .error(
                            "checklist.points-mismatch", "\(what) declares \(declared) points but its listed \(partsName) already add up to \(parts)",
                            at: location, notes: ["partial=\"true\" lets the listed parts fall short of the declared points, never exceed them"]))
                }
            } else if declared != parts {
                d.append(.error("checklist.points-mismatch", "\(what) declares \(declared) points but its \(partsName) add up to \(parts)", at: location))
            }
        }
        var total = Decimal2.zero
        for category in catalogue.categories {
            for parent in category.parents {
                let parts =
                    category.indicators.filter { $0.parentCode == parent.code }.reduce(Decimal2.zero) { $0 + $1.points }
                    + category.parents.filter { $0.parentCode == parent.code }.reduce(Decimal2.zero) { $0 + $1.points }
                compare("indicator \(parent.code)", declared: parent.points, parts: parts, partsName: "parts", partial: parent.isPartial, at: parent.location)
            }
            let sum =
                category.indicators.filter { $0.parentCode == nil }.reduce(Decimal2.zero) { $0 + $1.points }
                + category.parents.filter { $0.parentCode == nil }.reduce(Decimal2.zero) { $0 + $1.points }
            if let declared = category.points {
                compare("category \(category.code)", declared: declared, parts: sum, partsName: "indicators", partial: category.isPartial, at: category.location)
            }
            total = total + (category.points ?? sum)
        }
        if let declared = catalogue.totalPoints {
            compare("the catalogue", declared: declared, parts: total, partsName: "categories", partial: catalogue.isPartial, at: catalogue.location)
        }
    }

    // MARK: Scoring rules

    private func checkRules(_ d: inout [Diagnostic]) {
        for indicator in catalogue.allIndicators {
            let name = "indicator \(indicator.code)"
            if !indicator.isScored, let rule = indicator.rules.first {
                d.append(
                    .error(
                        "scoring.rules-without-points", "\(name) has scoring rules but no points", at: rule.location,
                        notes: ["give the indicator points=\"…\", or remove the rules: an unscored indicator is not scored"]))
                continue
            }
            let items = Set(indicator.items.map(\.code))
            func positive(_ value: Decimal2, _ what: String, at location: SourceLocation, hint: String) {
                guard value <= .zero else { return }
                d.append(.error("scoring.bad-amount", "\(what) of \(name) must be more than 0, not \(value)", at: location, notes: [hint]))
            }
            func percent(_ value: Decimal2, _ what: String, at location: SourceLocation) {
                guard value < .zero || value > Decimal2(hundredths: 10000) else { return }
                d.append(
                    .error(
                        "scoring.bad-target", "\(what) target of \(name) is \(value); a target is a percentage from 0 to 100", at: location,
                        notes: ["write 95 for 95%"]))
            }
            func figure(_ id: String?, _ what: String, at location: SourceLocation) {
                guard let id, let known = knownFigures, !known.contains(id) else { return }
                let list = known.sorted().joined(separator: ", ")
                d.append(
                    .error(
                        "scoring.unknown-figure", "\(what) of \(name) reads unknown figure \"\(id)\"" + NearestNames.didYouMean(id, among: known), at: location,
                        notes: [known.isEmpty ? "no figures are defined" : "known figures: \(list)"]))
            }
            func item(_ code: String?, _ what: String, at location: SourceLocation) {
                guard let code, !items.contains(code) else { return }
                let list = indicator.items.map(\.code).joined(separator: ", ")
                d.append(
                    .error(
                        "scoring.unknown-item", "\(what) of \(name) names item \(code), which is not one of its items", at: location,
                        notes: [list.isEmpty ? "the indicator has no items" : "its items: \(list)"]))
            }
            var caps = 0
            for rule in indicator.rules {
                let at = rule.location
                switch rule.kind {
                case .perMissing(let amount, let per, let code):
                    positive(amount, "deductPerMissing amount", at: at, hint: "write the points deducted per missing \(per.rawValue), e.g. amount=\"0.5\"")
                    item(code, "deductPerMissing", at: at)
                case .perCase(let amount, _, let code, let id):
                    positive(amount, "deductPerCase amount", at: at, hint: "write the points deducted per case, e.g. amount=\"0.2\"")
                    item(code, "deductPerCase", at: at)
                    figure(id, "deductPerCase", at: at)
                case .rate(let id, let target, let perPoint):
                    percent(target, "rate", at: at)
                    if let perPoint {
                        positive(
                            perPoint, "rate deductPerPoint", at: at,
                            hint: "write deductPerPoint=\"1\" for 每低1个百分点扣1分, or credit=\"proportional\" for credit in proportion below the target")
                    }
                    figure(id, "rate", at: at)
                case .threshold(let id, let target):
                    percent(target, "threshold", at: at)
                    figure(id, "threshold", at: at)
                case .bonus(let amount, let max, let id):
                    positive(amount, "bonus amount", at: at, hint: "write the bonus points, e.g. amount=\"1\"")
                    if let max, max < amount {
                        d.append(
                            .error(
                                "scoring.bad-amount", "bonus of \(name) may earn at most \(max) but one unit already earns \(amount)", at: at,
                                notes: ["max is the bonus cap; make it at least amount"]))
                    }
                    figure(id, "bonus", at: at)
                case .cap(let max, let negative):
                    caps += 1
                    if caps == 2 {
                        d.append(.error("scoring.duplicate-cap", "\(name) has more than one cap", at: at, notes: ["keep one <cap>"]))
                    }
                    if let max {
                        positive(max, "cap max", at: at, hint: "write the most points the indicator can lose, e.g. max=\"3\"")
                        if !negative, max > indicator.points {
                            d.append(
                                .error(
                                    "scoring.cap-exceeds-points", "cap of \(name) lets it lose \(max) points but it has only \(indicator.points)", at: at,
                                    notes: ["deductions stop at the indicator's points (扣完为止); write negative=\"true\" if it may go below zero"]))
                        }
                    }
                }
            }
        }
    }

    // MARK: Owners, codes, empty indicators

    private func checkOwnersAndCodes(_ d: inout [Diagnostic]) {
        for category in catalogue.categories {
            if !category.level.fits(in: catalogue.level) {
                d.append(
                    .warning(
                        "checklist.level-mismatch",
                        "category \(category.code) is kept at \(category.level.rawValue) level but the catalogue is \(catalogue.level.rawValue)-level only",
                        at: category.location))
            }
            for indicator in category.indicators {
                if !indicator.level.fits(in: category.level) {
                    d.append(
                        .warning(
                            "checklist.level-mismatch",
                            "indicator \(indicator.code) is kept at \(indicator.level.rawValue) level but its category \(category.code) is \(category.level.rawValue)-level only",
                            at: indicator.location))
                }
                if indicator.items.isEmpty {
                    d.append(.warning("checklist.no-items", "indicator \(indicator.code) has no ledger items, so nothing will be filed for it", at: indicator.location))
                }
                for item in indicator.items {
                    if item.group == nil {
                        d.append(.error("checklist.no-owner", "item \(item.code) has no owner group; set group=\"…\" on the item or on its indicator", at: item.location))
                    }
                    if !item.code.hasPrefix(category.code + ".") {
                        d.append(
                            .error(
                                "checklist.code-prefix",
                                "item code \(item.code) must start with its category code \(category.code) and a dot, e.g. \(category.code).01",
                                at: item.location))
                    }
                    if indicator.level != .both, item.level != indicator.level {
                        d.append(
                            .warning(
                                "checklist.level-mismatch",
                                "item \(item.code) is kept at \(item.level.rawValue) level but its indicator \(indicator.code) is \(indicator.level.rawValue)-level only",
                                at: item.location))
                    }
                }
            }
        }
    }

    // MARK: Dates

    private func checkDates(_ d: inout [Diagnostic]) {
        let start = street.periodStart, end = street.periodEnd
        let expectedEnd = start.addingYears(1).adding(days: -1)
        if end != expectedEnd {
            d.append(
                .error(
                    "checklist.bad-period",
                    "the statistical period \(start) to \(end) is not one year; with that start it ends on \(expectedEnd)",
                    at: street.location))
        }
        if start.month != 10 || start.day != 1 {
            d.append(.warning("checklist.bad-period", "the statistical year usually starts on 1 October, not \(start)", at: street.location))
        }
        if end.year != street.year {
            d.append(.warning("checklist.bad-period", "assessment year \(street.year) but the statistical period ends in \(end.year)", at: street.location))
        }
        if street.inspectionDate <= start {
            d.append(
                .error(
                    "checklist.date-outside-period",
                    "inspection date \(street.inspectionDate) is before the statistical year starts (\(start))",
                    at: street.location))
        }
        for item in catalogue.allItems {
            for document in item.documents {
                if let date = document.date, date < start || date > end {
                    d.append(
                        .error(
                            "checklist.date-outside-period",
                            "document date \(date) of item \(item.code) is outside the statistical year \(start) to \(end)",
                            at: document.location))
                }
            }
        }
        for task in workspace.tasks {
            guard let due = task.dueDay(inspection: street.inspectionDate) else { continue }
            if due < start {
                d.append(
                    .error(
                        "checklist.date-outside-period",
                        "task \(task.id) is due \(due), before the statistical year starts (\(start))", at: task.location))
            } else if due > street.inspectionDate {
                d.append(
                    .error(
                        "checklist.date-outside-period",
                        "task \(task.id) is due \(due), after inspection day (\(street.inspectionDate))", at: task.location))
            }
        }
    }

    // MARK: Conditions and attribute values

    private func checkConditions(_ d: inout [Diagnostic]) {
        let definitions = Dictionary(street.attributeDefinitions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for indicator in catalogue.allIndicators {
            guard let condition = indicator.appliesWhen, let location = indicator.appliesWhenLocation else { continue }
            for clause in condition.clauses {
                guard let definition = definitions[clause.attributeName] else {
                    let known = street.attributeDefinitions.map(\.name).sorted().joined(separator: ", ")
                    d.append(
                        .error(
                            "checklist.unknown-attribute",
                            "appliesWhen of indicator \(indicator.code) names unknown attribute \"\(clause.attributeName)\""
                                + NearestNames.didYouMean(clause.attributeName, among: definitions.keys),
                            at: location, notes: known.isEmpty ? ["no community attributes are defined in street.xml"] : ["known attributes: \(known)"]))
                    continue
                }
                if case .flag = clause, definition.kind != .boolean {
                    d.append(
                        .error(
                            "checklist.bad-condition",
                            "appliesWhen of indicator \(indicator.code) tests \(definition.name) as a flag, but it is \(definition.kind.rawValue); compare it, e.g. \(definition.name) >= 1",
                            at: location))
                }
            }
        }
        for item in catalogue.allItems {
            for document in item.documents {
                guard let from = document.quantityFrom else { continue }
                guard let definition = definitions[from.id] else {
                    let known = street.attributeDefinitions.filter { $0.kind == .integer }.map(\.name).sorted().joined(separator: ", ")
                    d.append(
                        .error(
                            "checklist.unknown-attribute", "quantityFrom of item \(item.code) names unknown attribute \"\(from.id)\"", at: from.location,
                            notes: [known.isEmpty ? "define an integer attribute in street.xml, e.g. <attribute name=\"\(from.id)\" type=\"integer\" label=\"…\"/>" : "integer attributes: \(known)"]))
                    continue
                }
                if definition.kind != .integer {
                    d.append(
                        .error(
                            "checklist.bad-attribute-value",
                            "quantityFrom of item \(item.code) names \(from.id), which is \(definition.kind.rawValue); a quantity needs an integer attribute",
                            at: from.location))
                }
            }
        }
        let itemCodes = Set(catalogue.allItems.map(\.code))
        for community in street.communities {
            for quantity in community.quantities where !itemCodes.contains(quantity.item) {
                d.append(.error("checklist.unknown-reference", "community \(community.id) sets the quantity of unknown item \(quantity.item)", at: quantity.location))
            }
            for value in community.values {
                guard let definition = definitions[value.name] else {
                    d.append(
                        .error(
                            "checklist.unknown-attribute",
                            "community \(community.id) sets unknown attribute \"\(value.name)\"" + NearestNames.didYouMean(value.name, among: definitions.keys),
                            at: value.location))
                    continue
                }
                if !Self.fits(value.value, definition.kind) {
                    d.append(
                        .error(
                            "checklist.bad-attribute-value",
                            "attribute \(value.name) of community \(community.id) must be \(definition.kind.rawValue), not \"\(value.value)\"",
                            at: value.location))
                }
            }
        }
    }

    private static func fits(_ value: String, _ kind: AttributeDefinition.Kind) -> Bool {
        switch kind {
        case .boolean: ["true", "false", "1", "0"].contains(value)
        case .integer: Int(value) != nil
        case .text: true
        }
    }

    // MARK: Names that become folders

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    // MARK: Evidence hints

    /// A `regex` hint that does not compile would silently never match a file.
    private func checkHints(_ d: inout [Diagnostic]) {
        // Workspaces repeat the same patterns item after item: check each distinct one once, and
        // leave ICU (whose first compile sets up its tables) to the patterns that are not plain.
        var compiles: [String: Bool] = [:]
        for item in catalogue.allItems {
            for hint in item.hints where hint.match == .regex {
                let valid =
                    compiles[hint.text]
                    ?? {
                        let valid = SimpleRegex.isPlainlyValid(hint.text) || (try? EvidenceHint.compile(hint.text)) != nil
                        compiles[hint.text] = valid
                        return valid
                    }()
                if !valid {
                    d.append(
                        .error(
                            "checklist.invalid-regex",
                            "evidence hint of item \(item.code) is not a valid regular expression: \(hint.text)", at: hint.location))
                }
            }
        }
    }

    private func checkNames(_ d: inout [Diagnostic]) {
        func check(_ name: String, _ what: String, at location: SourceLocation) {
            let hidden = name.unicodeScalars.filter(WindowsName.isInvisibleOrReordering)
            if !hidden.isEmpty {
                let shown = name.unicodeScalars.map { WindowsName.isInvisibleOrReordering($0) ? "<\(Self.codePoint($0))>" : String($0) }.joined()
                let codes = hidden.map(Self.codePoint).joined(separator: ", ")
                d.append(
                    .error(
                        "name.invisible-character",
                        "\(what) \"\(shown)\" contains \(codes), which hides or reorders text; remove it", at: location))
            } else if WindowsName.escapesFolder(name) {
                d.append(.error("name.escapes-pack", "\(what) \"\(name)\" would escape its folder in the pack (no /, \\, .. or drive letters)", at: location))
            } else if !WindowsName.isValid(name) {
                d.append(.warning("name.not-portable", "\(what) \"\(name)\" is not a valid Windows file name; it will be written as \"\(WindowsName.sanitize(name))\"", at: location))
            }
        }
        if let folder = street.folder { check(folder, "street folder", at: street.location) }
        check(street.name, "street name", at: street.location)
        for community in street.communities {
            check(community.folder ?? community.name, community.folder == nil ? "community name" : "community folder", at: community.location)
        }
        for category in catalogue.categories {
            check(category.folder ?? category.name, category.folder == nil ? "category name" : "category folder", at: category.location)
        }
        for item in catalogue.allItems {
            check(item.folder ?? item.title, item.folder == nil ? "item title" : "item folder", at: item.location)
        }
    }
}
