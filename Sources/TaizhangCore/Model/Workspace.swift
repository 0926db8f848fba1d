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

    public func community(_ id: String) -> Community? { communities.first { $0.id == id } }
    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func group(_ id: String) -> WorkingGroup? { groups.first { $0.id == id } }
    public func attributeDefinition(_ name: String) -> AttributeDefinition? { attributeDefinitions.first { $0.name == name } }
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
    public var isSample: Bool
    /// Attribute values as written (`name` → `value`), with where each was set.
    public var values: [AttributeValue]
    public var location: SourceLocation

    public struct AttributeValue: Sendable {
        public var name: String
        public var value: String
        public var location: SourceLocation
    }

    public func value(of name: String) -> String? { values.first { $0.name == name }?.value }
}

public struct Person: Sendable {
    public var id: String
    public var name: String
    public var role: String
    /// The person's community, or nil for the sub-district section.
    public var community: Reference?
    /// A member of the preparation team, who may tick anything.
    public var isPreparationTeam: Bool
    public var isSample: Bool
    public var location: SourceLocation
}

/// One of the seven inspection working groups (工作组).
public struct WorkingGroup: Sendable {
    public var id: String
    public var number: Int
    public var name: String
    public var lead: Reference
    public var members: [Reference]
    public var duties: [String]
    public var location: SourceLocation
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
