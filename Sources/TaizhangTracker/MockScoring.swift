import Foundation
import TaizhangCore

/// Mock-inspection results and the estimated score they imply.
///
/// A pass marks the item verified (已抽验); a fail flags it. The estimate per unit, once it has
/// any mock result: each indicator earns its points in proportion to its items that are
/// ticked, verified or not applicable, and earns nothing if any of its items failed; a failed
/// veto indicator (一票否决) zeroes the unit. Shown as `score/maximum`.
public struct MockScoring: Sendable {
    public let tracker: Tracker

    public init(tracker: Tracker) { self.tracker = tracker }

    public enum Result: String, Sendable { case pass, fail }

    @discardableResult
    public func record(item code: String, unit unitID: String, result: Result, by actor: String, note: String? = nil) throws -> TrackerEvent? {
        let person = try tracker.person(actor)
        let unit = try tracker.unit(unitID)
        _ = try tracker.itemPlan(code, in: unit)
        if let why = tracker.mockRefusal(person: person) { try tracker.refuse(actor, unit: unitID, subject: code, why: why) }
        let at = tracker.now()
        return try tracker.store.update(ItemKey(unit: unitID, item: code)) { current in
            switch result {
            case .pass:
                return ItemChange(status: .verified, flagged: false, actor: actor, at: at, note: note ?? "模拟检查通过", kind: .mock)
            case .fail:
                return ItemChange(status: current?.status ?? .notReviewed, flagged: true, actor: actor, at: at, note: note ?? "模拟检查未通过", kind: .mock)
            }
        }
    }

    /// `score/maximum` per unit id, for units with at least one mock result.
    public func estimatedScores() throws -> [String: String] {
        let records = Dictionary(try tracker.store.items().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let mocked = Set(try tracker.store.events(EventFilter(kind: .mock)).map(\.unit))
        var scores: [String: String] = [:]
        for unit in tracker.plan.units where mocked.contains(unit.id) {
            var score = 0, maximum = 0  // hundredths of a point
            var vetoed = false
            var byIndicator: [String: (Indicator, [ItemPlan])] = [:]
            var order: [String] = []
            for item in unit.items {
                if byIndicator[item.indicator.code] == nil { order.append(item.indicator.code) }
                byIndicator[item.indicator.code, default: (item.indicator, [])].1.append(item)
            }
            for code in order {
                guard let (indicator, items) = byIndicator[code] else { continue }
                let points = indicator.points.hundredths
                maximum += points
                let states = items.map { records[ItemKey(unit: unit.id, item: $0.item.code)] }
                if states.contains(where: { $0?.flagged == true }) {
                    if indicator.isVeto { vetoed = true }
                    continue
                }
                let credited = states.filter { s in [.ticked, .verified, .notApplicable].contains(s?.status ?? .notReviewed) }.count
                score += points * credited / max(items.count, 1)
            }
            if vetoed { score = 0 }
            scores[unit.id] = "\(Decimal2(hundredths: score))/\(Decimal2(hundredths: maximum))" + (vetoed ? "（一票否决）" : "")
        }
        return scores
    }
}
