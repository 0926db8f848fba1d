import TaizhangCore
import TaizhangTracker

/// The tracker's failures in the words of the page: Chinese, no command-line syntax.
enum WebMessages {
    static func text(_ failure: Tracker.Failure, tracker: Tracker) -> String {
        switch failure {
        case .unknownPerson(let id): "没有这个人员：\(id)。"
        case .unknownUnit(let id): "没有这个单位：\(id)。"
        case .unknownItem(let code, let unit): "\(unit)的台账中没有条目 \(code)。"
        case .unknownTask(let id): "没有这个任务：\(id)。"
        case .forbidden: "您无权进行这项操作。"
        case .reasonRequired: "标为“不适用”需要在备注中写明理由。"
        }
    }

    /// Why a person may not change an item, in Chinese (the same rule as `Tracker.refusal`).
    static func refusal(person: Person, unit: UnitPlan, item: ItemPlan, tracker: Tracker) -> String {
        let owner = item.item.group.flatMap { tracker.workspace.street.group($0.id)?.label } ?? "未指定的工作组"
        return "\(person.name)无权修改\(unit.name)的 \(item.item.code) \(item.item.title)：该条目由\(owner)负责。"
    }

    /// The success message after a change, from a fixed list (never text from the address).
    static func flash(_ kind: String?, code: String?, tracker: Tracker, unit: String?) -> String? {
        guard let kind else { return nil }
        // Binder by binder (`itemPlan`): `unit.items` would copy every item plan of the unit.
        let item = code.flatMap { c in unit.flatMap { tracker.plan.unit(id: $0) }.flatMap { try? tracker.itemPlan(c, in: $0) } }
        let subject = item.map { "“\($0.item.code) \($0.item.title)”" } ?? "条目"
        if let status = ItemStatus(rawValue: kind) { return "已将\(subject)标为\(status.chinese)。" }
        switch kind {
        case "untick": return "已将\(subject)退回一步。"
        case "unchanged": return "\(subject)的状态没有变化。"
        default: return nil
        }
    }
}
