/// An open task that may close a gap.
public struct GapTask: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var group: String
    public var due: String?

    public init(id: String, title: String, group: String, due: String?) {
        self.id = id
        self.title = title
        self.group = group
        self.due = due
    }
}

/// A gap worth closing: the points it costs today, who owns it and the task due for it.
public struct Gap: Sendable, Codable, Equatable {
    public var unit: String
    public var unitName: String
    public var indicator: String
    public var indicatorName: String
    public var item: String?
    public var itemTitle: String?
    public var figure: String?
    public var figureLabel: String?
    public var reason: String
    /// Points recovered if the gap is closed.
    public var points: Decimal2
    public var missingDocuments: Int
    public var group: String?
    public var groupName: String?
    public var task: GapTask?

    /// What the gap is about: the item, else the figure.
    public var subject: String { ScoreSubject.text(item: item, itemTitle: itemTitle, figure: figure, figureLabel: figureLabel) }
}

/// "What to fix first": open gaps ranked by the points closing them recovers; ties go to the
/// cheaper fix (fewer documents missing), then by unit and item code.
public enum GapRanker {
    public static func rank(_ scores: [UnitScore], groups: [WorkingGroup], openTasks: [GapTask]) -> [Gap] {
        let names = Dictionary(groups.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var gaps: [Gap] = []
        for score in scores {
            for deduction in score.indicators.flatMap(\.deductions) where deduction.lost > .zero {
                gaps.append(
                    Gap(
                        unit: score.unit, unitName: score.name, indicator: deduction.indicator, indicatorName: deduction.indicatorName,
                        item: deduction.item, itemTitle: deduction.itemTitle, figure: deduction.figure, figureLabel: deduction.figureLabel, reason: deduction.reason,
                        points: deduction.lost, missingDocuments: deduction.missingDocuments, group: deduction.group,
                        groupName: deduction.group.flatMap { names[$0] },
                        task: task(for: deduction, in: openTasks)))
            }
        }
        return gaps.sorted {
            ($1.points, $0.missingDocuments, $0.unit, $0.item ?? "", $0.indicator) < ($0.points, $1.missingDocuments, $1.unit, $1.item ?? "", $1.indicator)
        }
    }

    /// The owner group's earliest open task naming the item (code or title) or the indicator.
    static func task(for deduction: Deduction, in tasks: [GapTask]) -> GapTask? {
        guard let group = deduction.group else { return nil }
        let names = [deduction.item, deduction.itemTitle, deduction.indicatorName].compactMap { $0 }.filter { !$0.isEmpty }
        return tasks.filter { task in task.group == group && names.contains { task.title.contains($0) } }
            .min { ($0.due ?? "9999", $0.id) < ($1.due ?? "9999", $1.id) }
    }
}
