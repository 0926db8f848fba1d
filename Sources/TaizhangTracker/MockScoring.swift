import Foundation
import TaizhangCore

/// Mock-inspection results and the estimated score.
///
/// A pass marks the item verified (已抽验); a fail flags it. A result may carry the cases found
/// (`cases`, e.g. 漏登 2 人) and a measured rate in percent, which the indicator's typed rules
/// read. The estimate itself is `ScoreEstimator`'s, over the tracker's statuses, the documents
/// the last scan found, these measures and the figures.
public struct MockScoring: Sendable {
    public let tracker: Tracker
    public let figures: any FigureValueSource

    /// `figures` defaults to the workspace's own figures (rates recomputed from their counts).
    public init(tracker: Tracker, figures: (any FigureValueSource)? = nil) {
        self.tracker = tracker
        self.figures = figures ?? FigureValues(tracker.workspace.figures)
    }

    public enum Result: String, Sendable { case pass, fail }

    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case badCases(Int)
        case badRate(Double)
        /// A pass on an item whose folder holds none of the documents it expects.
        case passWithoutDocuments(item: String, unit: String)
        /// `--force` without a note saying why.
        case forceWithoutNote

        public var description: String {
            switch self {
            case .badCases(let n): "--cases must be 0 or more, not \(n)"
            case .badRate(let p): "--rate is a percentage from 0 to 100, not \(p)"
            case .passWithoutDocuments(let item, let unit):
                "\(item) 在 \(unit) 没有任何资料，不能记为模拟检查通过；确需记录请加 --force 并用 --note 说明原因"
                    + " (item \(item) of \(unit) has no documents, so a mock pass is refused; use --force with --note to record it anyway)"
            case .forceWithoutNote: "--force 须用 --note 说明原因 (--force needs a --note saying why)"
            }
        }

        public var id: String {
            switch self {
            case .badCases, .badRate: "mock.bad-measure"
            case .passWithoutDocuments: "mock.pass-without-documents"
            case .forceWithoutNote: "mock.force-without-note"
            }
        }
    }

    /// Whether a pass may be recorded: an item expecting documents must hold at least one
    /// (`present`, the files in its folder now; nil when unknown, e.g. no pack yet counts as
    /// none) unless it is marked 不适用, or `force` is given with a note.
    public func checkPass(item code: String, unit unitID: String, present: Int, force: Bool, note: String?) throws {
        if force {
            guard let note, !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw Failure.forceWithoutNote }
            return
        }
        let unit = try tracker.unit(unitID)
        let plan = try tracker.itemPlan(code, in: unit)
        guard plan.item.expectedCount > 0, present == 0 else { return }
        if try tracker.statusSource().status(unit: unitID, item: code)?.status == .notApplicable { return }
        throw Failure.passWithoutDocuments(item: code, unit: unit.name)
    }

    @discardableResult
    public func record(
        item code: String, unit unitID: String, result: Result, by actor: String, note: String? = nil,
        cases: Int? = nil, rate: Double? = nil
    ) throws -> TrackerEvent? {
        if let cases, cases < 0 { throw Failure.badCases(cases) }
        if let rate, !(0...100).contains(rate) { throw Failure.badRate(rate) }
        let person = try tracker.person(actor)
        let unit = try tracker.unit(unitID)
        _ = try tracker.itemPlan(code, in: unit)
        if let why = tracker.mockRefusal(person: person) { try tracker.refuse(actor, unit: unitID, subject: code, why: why) }
        let at = tracker.now()
        let measured = [cases.map { "发现 \($0) 例" }, rate.map { "比率 \(Decimal2(rounding: $0))%" }].compactMap { $0 }.joined(separator: "，")
        func noted(_ fallback: String) -> String { (note ?? fallback) + (measured.isEmpty ? "" : "（\(measured)）") }
        let event = try tracker.update(ItemKey(unit: unitID, item: code)) { current in
            switch result {
            case .pass:
                return ItemChange(status: .verified, flagged: false, actor: actor, at: at, note: noted("模拟检查通过"), kind: .mock)
            case .fail:
                return ItemChange(status: current?.status ?? .notReviewed, flagged: true, actor: actor, at: at, note: noted("模拟检查未通过"), kind: .mock)
            }
        }
        try tracker.setMockMeasure(MockMeasure(key: ItemKey(unit: unitID, item: code), cases: cases, rate: rate, actor: actor, at: at))
        return event
    }

    /// What the estimator reads: statuses, documents found by the last scan (none counted
    /// before any scan), mock measures and figures.
    public func inputs() throws -> ScoreInputs {
        var items: [UnitItem: ItemEvidence] = [:]
        for record in try tracker.items() {
            items[UnitItem(unit: record.key.unit, item: record.key.item), default: ItemEvidence()].status = record.status
            items[UnitItem(unit: record.key.unit, item: record.key.item), default: ItemEvidence()].flagged = record.flagged
        }
        if !(try tracker.scans().isEmpty) {
            var present: [UnitItem: Int] = [:]
            for document in try tracker.documents(units: nil) { present[UnitItem(unit: document.unit, item: document.item), default: 0] += 1 }
            for unit in tracker.plan.units {
                for item in unit.items {
                    let key = UnitItem(unit: unit.id, item: item.item.code)
                    items[key, default: ItemEvidence()].present = present[key] ?? 0
                }
            }
        }
        for measure in try tracker.mockMeasures() {
            let key = UnitItem(unit: measure.key.unit, item: measure.key.item)
            items[key, default: ItemEvidence()].cases = measure.cases
            items[key, default: ItemEvidence()].rate = measure.rate
        }
        return ScoreInputs(items: items, figures: figures)
    }

    /// The estimate per unit, in plan order (street first).
    public func scores() throws -> [UnitScore] {
        ScoreEstimator(plan: tracker.plan, catalogue: tracker.workspace.catalogue).estimate(try inputs())
    }

    /// `score/maximum` per unit id (with （一票否决） when vetoed), for every unit with scored indicators.
    public func estimatedScores() throws -> [String: String] {
        Dictionary(try scores().filter { $0.maximum > .zero }.map { ($0.unit, $0.summary) }, uniquingKeysWith: { a, _ in a })
    }

    /// Open gaps ranked by points at stake, with owner group and the task due for them;
    /// `scores` when the caller has already estimated them.
    public func gaps(unit: String? = nil, scores: [UnitScore]? = nil) throws -> [Gap] {
        let cards = try scores ?? self.scores()
        return GapRanker.rank(cards.filter { unit == nil || $0.unit == unit }, groups: tracker.workspace.street.groups, openTasks: try openTasks())
    }

    /// Tasks not done yet, which may close a gap.
    public func openTasks() throws -> [GapTask] {
        try tracker.tasks().filter { $0.state != .done }.map { GapTask(id: $0.id, title: $0.title, group: $0.group, due: $0.due?.description) }
    }

    /// The generator's scoring inputs: the same as the estimate's, plus the open tasks.
    public func packScoring() throws -> PackScoring {
        PackScoring(inputs: try inputs(), openTasks: try openTasks())
    }
}
