import Foundation
import TaizhangCore

/// Progress at a glance: per unit, per group, the countdown and overdue tasks.
/// Shared by `taizhang status` and the web dashboard.
public struct StatusReport: Codable, Sendable {
    public struct Counts: Codable, Sendable, Equatable {
        public var items = 0
        public var notReviewed = 0
        public var filed = 0
        public var ticked = 0
        public var verified = 0
        public var notApplicable = 0
        /// Items with a readiness flag (`ItemReadiness.flags`: failed mock, ticked without files …),
        /// counting the documents the last `scan` recorded: the same rule as the printed index.
        public var flagged = 0
        /// Items whose documents are complete (`Completeness.isSatisfied`), as of the last scan.
        public var complete = 0

        /// Items a lead has signed off (`ItemStatus.isSignedOff`): ticked, verified or not applicable.
        public var done: Int { ticked + verified + notApplicable }
        public var percent: Int { items == 0 ? 100 : done * 100 / items }

        mutating func add(_ readiness: ItemReadiness) {
            items += 1
            if readiness.completeness.isSatisfied { complete += 1 }
            switch readiness.status {
            case .notReviewed: notReviewed += 1
            case .filed: filed += 1
            case .ticked: ticked += 1
            case .verified: verified += 1
            case .notApplicable: notApplicable += 1
            }
            if !readiness.flags.isEmpty { flagged += 1 }
        }
    }

    public struct UnitRow: Codable, Sendable {
        public var id: String
        public var number: String
        public var name: String
        public var counts: Counts
        /// Estimated score from the scoring rules (`score/maximum`); nil when the unit has no scored indicators.
        public var estimatedScore: String?
        /// The largest deductions of the estimate (at most three).
        public var topDeductions: [DeductionRow] = []
    }

    /// One deduction of the estimate: what it is for and how many points it costs.
    public struct DeductionRow: Codable, Sendable, Equatable {
        public var indicator: String
        public var item: String?
        public var reason: String
        public var points: Decimal2
    }

    public struct GroupRow: Codable, Sendable {
        public var id: String
        public var number: Int
        public var name: String
        public var counts: Counts
        public var openTasks: Int
        public var overdueTasks: Int
    }

    public struct TaskRow: Codable, Sendable {
        public var id: String
        public var group: String
        public var title: String
        public var owner: String
        public var due: String?
        public var state: String
        public var daysOverdue: Int
    }

    public var street: String
    public var year: Int
    public var today: String
    public var inspectionDate: String
    /// Days until inspection day (0 on the day itself); `null` once it has passed, never negative.
    @NullInJSON public var daysLeft: Int?
    /// Inspection day is over (today is later): the countdown says so instead of counting on.
    public var inspectionPassed: Bool
    public var units: [UnitRow]
    public var groups: [GroupRow]
    public var overdue: [TaskRow]
    /// Records on items that are no longer in the catalogue: kept, and shown here.
    public var orphaned: [String]

    /// `距考核还有 10 天`, `今天考核` on the day, `考核日已过（2014-12-10）` after it.
    public var countdown: String {
        switch daysLeft {
        case nil: "考核日已过（\(inspectionDate)）"
        case 0: "今天考核"
        case let days?: "距考核还有 \(days) 天"
        }
    }

    public init(
        tracker: Tracker, today: Day, scores: [String: String] = [:], estimate: [UnitScore] = [],
        unitFilter: String? = nil, groupFilter: String? = nil
    ) throws {
        let cards = Dictionary(estimate.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a })
        let workspace = tracker.workspace
        let records = Dictionary(try tracker.items().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let tasks = try tracker.tasks()
        let scanned = try tracker.scannedFileNames()
        let definition = workspace.street
        var overdueDocuments: [TaskRecord] = []
        street = workspace.street.name
        year = workspace.street.year
        self.today = today.description
        inspectionDate = workspace.street.inspectionDate.description
        let days = today.days(until: workspace.street.inspectionDate)
        daysLeft = days >= 0 ? days : nil
        inspectionPassed = days < 0
        var groupCounts: [String: Counts] = [:]
        var unitRows: [UnitRow] = []
        for unit in tracker.plan.units where unitFilter == nil || unit.id == unitFilter {
            var counts = Counts()
            for item in unit.items {
                let key = ItemKey(unit: unit.id, item: item.item.code)
                let record = records[key]
                if let groupFilter, item.item.group?.id != groupFilter { continue }
                let names = scanned[key] ?? []
                let readiness = ItemReadiness(
                    item: item.item, present: names.count, status: record?.status, note: record?.note, failedMock: record?.flagged ?? false)
                counts.add(readiness)
                if let group = item.item.group?.id {
                    groupCounts[group, default: Counts()].add(readiness)
                }
                // Monthly documents with a deadline (每月10日前): a month past its due day with no
                // file (as of the last scan) is an overdue task of the item's group.
                guard readiness.status != .notApplicable, item.item.documents.contains(where: { $0.dueDay != nil }) else { continue }
                let late = PeriodicGap.overdue(item.item, fileNames: names, start: definition.periodStart, end: definition.periodEnd, today: today)
                guard let first = late.first else { continue }
                let group = item.item.group?.id ?? ""
                overdueDocuments.append(
                    TaskRecord(
                        id: "\(unit.id)/\(item.item.code)", group: group,
                        title: "\(unit.name) \(item.item.code) \(item.item.title)：缺 " + late.prefix(5).map(\.label).joined(separator: "、")
                            + (late.count > 5 ? " 等 \(late.count) 份" : ""),
                        owner: definition.group(group)?.lead.id ?? "", due: first.due, state: .open, doneBy: nil, doneAt: nil))
            }
            let card = cards[unit.id].flatMap { $0.maximum > .zero ? $0 : nil }
            unitRows.append(
                UnitRow(
                    id: unit.id, number: unit.number, name: unit.name, counts: counts,
                    estimatedScore: card?.summary ?? scores[unit.id],
                    topDeductions: (card?.deductions ?? []).filter { $0.lost > .zero }.prefix(3).map {
                        DeductionRow(indicator: $0.indicator, item: $0.item, reason: $0.reason, points: $0.lost)
                    }))
        }
        units = unitRows
        let overdueTasks = tasks.filter { $0.isOverdue(on: today) } + overdueDocuments
        groups = workspace.street.groups.filter { groupFilter == nil || $0.id == groupFilter }.map { group in
            GroupRow(
                id: group.id, number: group.number, name: group.name, counts: groupCounts[group.id] ?? Counts(),
                openTasks: (tasks + overdueDocuments).filter { $0.group == group.id && $0.state != .done }.count,
                overdueTasks: overdueTasks.filter { $0.group == group.id }.count)
        }
        let names = Dictionary(workspace.street.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        overdue = overdueTasks.filter { groupFilter == nil || $0.group == groupFilter }
            .sorted { ($0.due ?? today, $0.id) < ($1.due ?? today, $1.id) }
            .map {
                TaskRow(
                    id: $0.id, group: $0.group, title: $0.title, owner: names[$0.owner] ?? $0.owner, due: $0.due?.description,
                    state: $0.state.rawValue, daysOverdue: Deadline.daysOverdue(due: $0.due, today: today))
            }
        orphaned = try tracker.orphanedRecords().map { "\($0.key.unit)/\($0.key.item) (\($0.status.chinese))" }
    }
}

/// An optional that JSON shows as `null` instead of leaving its key out, so a reader of
/// `status --format json` always finds the key.
@propertyWrapper
public struct NullInJSON<Value: Codable & Sendable>: Codable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as nil, as it would for a plain optional.
    public func decode<Value>(_ type: NullInJSON<Value>.Type, forKey key: Key) throws -> NullInJSON<Value> {
        try decodeIfPresent(type, forKey: key) ?? NullInJSON(wrappedValue: nil)
    }
}
