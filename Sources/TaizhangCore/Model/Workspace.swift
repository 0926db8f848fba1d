import TaizhangDiagnostics

/// Everything the checklist definitions say, loaded and cross-checked.
public struct Workspace: Sendable {
    /// The workspace directory (the one holding `checklists/`).
    public var root: String
    public var street: Street
    public var catalogue: Catalogue
    public var tasks: [TaskDefinition]
    /// The statistical figures (数据统计), empty when the workspace defines none.
    public var figures: Figures

    public init(root: String, street: Street, catalogue: Catalogue, tasks: [TaskDefinition], figures: Figures = Figures()) {
        self.root = root
        self.street = street
        self.catalogue = catalogue
        self.tasks = tasks
        self.figures = figures
    }
}

/// A reference to something by id, remembered with where it was written.
public struct Reference: Hashable, Sendable {
    public var id: String
    public var location: SourceLocation

    public init(_ id: String, at location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

/// The sub-district (街道) being assessed.
public struct Street: Sendable {
    public var id: String
    public var name: String
    public var office: String?
    public var section: String?
    public var district: String?
    public var year: Int
    /// The statistical year: 1 October to 30 September.
    public var periodStart: Day
    public var periodEnd: Day
    public var inspectionDate: Day
    public var folder: String?
    public var attributeDefinitions: [AttributeDefinition]
    public var communities: [Community]
    public var people: [Person]
    public var groups: [WorkingGroup]
    public var contingencies: [Contingency]
    public var location: SourceLocation
    /// What the two levels are called (`<terms upper="乡镇" lower="村"/>`); default 街道/社区.
    public var terms = UnitTerms.default

    public func community(_ id: String) -> Community? { communities.first { $0.id == id } }
    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func group(_ id: String) -> WorkingGroup? { groups.first { $0.id == id } }
}

/// The names of the two levels, declared once on the street (`<terms upper="乡镇" lower="村"/>`)
/// and used on every page and message instead of a hard-coded 街道 or 社区.
public struct UnitTerms: Sendable, Equatable {
    /// The upper level, which holds the section office: 街道, 乡镇, 镇 …
    public var upper: String
    /// The lower level, one unit per work station: 社区, 村, 居委会 …
    public var lower: String

    public init(upper: String, lower: String) {
        self.upper = upper
        self.lower = lower
    }

    public static let `default` = UnitTerms(upper: "街道", lower: "社区")
}

/// A community attribute that conditions can test, e.g. `hasUrbanVillage`.
public struct AttributeDefinition: Sendable {
    public enum Kind: String, Sendable { case boolean, integer, text }
    public var name: String
    public var kind: Kind
    public var label: String
    public var defaultValue: String?
    public var location: SourceLocation
}

/// A community work station (社区工作站).
public struct Community: Sendable {
    public var id: String
    public var name: String
    /// Short code printed on spines, e.g. `WTS`.
    public var code: String
    public var lead: Reference?
    public var folder: String?
    /// Attribute values as written (`name` → `value`), with where each was set.
    public var values: [AttributeValue]
    public var location: SourceLocation
    /// Per-unit quantities (`<quantity item="03.02" value="3"/>`): they replace the quantity of
    /// the item's documents in this unit.
    public var quantities: [QuantityOverride] = []

    public struct AttributeValue: Sendable {
        public var name: String
        public var value: String
        public var location: SourceLocation
    }

    public struct QuantityOverride: Sendable {
        public var item: String
        public var value: Int
        public var location: SourceLocation
    }

    public func value(of name: String) -> String? { values.first { $0.name == name }?.value }
}

public struct Person: Sendable {
    public var id: String
    public var name: String
    /// The job title as printed (科长, 第一陪调 …); free text, never matched by the tool.
    public var role: String
    /// The person's community, or nil for the sub-district section.
    public var community: Reference?
    /// What the tool's rules let this person do (`roles="…"`, and `preparation="true"`).
    public var roles: Set<PersonRole>
    public var location: SourceLocation
    /// Printed on the walkthrough's escort card (`phone="…"`).
    public var phone: String? = nil
    /// A district person visiting a street's pages (`District.visitors`): reads what the
    /// preparation team reads (every task), changes nothing.
    public var isDistrictReader = false

    /// A member of the preparation team, who may change anything.
    public var isPreparationTeam: Bool { roles.contains(.preparation) }

    /// `杨春梅（计生专干负责人）`
    public var nameWithTitle: String { "\(name)（\(role)）" }
}

/// One of the seven inspection working groups (工作组).
public struct WorkingGroup: Sendable {
    public var id: String
    public var number: Int
    public var name: String
    public var lead: Reference
    public var members: [Reference]
    public var duties: [String]
    /// What the tool lets this group do beyond its own items (schema attribute `role`).
    public var role: GroupRole?
    public var location: SourceLocation

    /// `第3组 业务督导组`, as every page names a group.
    public var label: String { "第\(number)组 \(name)" }
}

/// A working group's part in the tool's rules (`<group role="…">`).
public enum GroupRole: String, Sendable, CaseIterable {
    /// The check team (业务督导组): records mock-inspection results and walks the escort route.
    case checkTeam = "check-team"
}

/// A person's part in the tool's rules (`<person roles="…">`, a space-separated list). The
/// printed job title is `Person.role`, free text that the tool never interprets.
public enum PersonRole: String, Sendable, CaseIterable {
    /// The preparation team: may change any item and task (also written `preparation="true"`).
    case preparation
    /// A community's first escort (第一陪调), named on the walkthrough sheet.
    case firstEscort = "first-escort"
    /// Another escort (陪调人员) of a community.
    case escort
}

/// A situation of the escort contingency plan (陪调应急预案).
public struct Contingency: Sendable {
    public var id: String
    /// I (most severe) to IV.
    public var level: String
    public var group: Reference
    public var situation: String
    public var response: String
    public var location: SourceLocation
}

/// A task of a working group, due on a date or some days before inspection day.
public struct TaskDefinition: Sendable {
    public enum Due: Sendable, Equatable {
        case date(Day)
        case daysBefore(Int)
    }

    public var id: String
    public var group: Reference
    public var owner: Reference
    public var title: String
    public var due: Due?
    public var location: SourceLocation

    /// The due day, given the inspection day.
    public func dueDay(inspection: Day) -> Day? {
        switch due {
        case .date(let day): day
        case .daysBefore(let days): inspection.adding(days: -days)
        case nil: nil
        }
    }
}
