import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The tasks of a person's groups (all of them for the preparation team, and for district
/// readers, who change none): filter by group and state, complete, mark 受阻 with a reason, reopen.
struct TasksController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    static let states: [(id: String, name: String)] = [
        ("open", "未完成"), ("overdue", "已逾期"), ("soon", "7 天内到期"), ("blocked", "受阻"), ("done", "已完成"),
    ]

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("tasks", use: list)
        group.post("tasks/done") { _, context in try await change(context, to: .done) }
        group.post("tasks/reopen") { _, context in try await change(context, to: .open) }
        group.post("tasks/block") { _, context in try await change(context, to: .blocked) }
    }

    struct Filter: Sendable {
        var group: String?
        var state: String?
        var mine = false

        var query: String {
            [("group", group), ("state", state), ("mine", mine ? "1" : nil)].compactMap { name, value in value.map { "\(name)=\(PackFiles.encode($0))" } }
                .joined(separator: "&")
        }
    }

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let query = request.uri.queryParameters
        let filter = Filter(
            group: query.get("group").flatMap { configuration.tracker.workspace.street.group($0)?.id },
            state: query.get("state").flatMap { s in Self.states.contains { $0.id == s } ? s : nil }, mine: query.get("mine") == "1")
        let flash: String? =
            switch query.get("ok") {
            case "done": "任务已标为完成。"
            case "open": "任务已重新打开。"
            case "blocked": "任务已标为受阻，原因已记录。"
            case "unchanged": "任务状态没有变化。"
            default: nil
            }
        let (tracker, renderer) = (configuration.tracker, self.renderer)
        let page = try await Blocking.run { try Self.model(tracker, renderer: renderer, person: session.person, filter: filter, flash: flash) }
        return renderer.page("web-tasks", title: "任务清单", page, session: session)
    }

    static func model(_ tracker: Tracker, renderer: WebRenderer, person id: String, filter: Filter, flash: String?) throws -> TasksPage {
        let person = try tracker.person(id)
        let groups = Set(tracker.groups(of: person).map(\.id))
        let today = ChinaTime.day(tracker.now())
        let reasons = try tracker.webBlockedReasons()
        let tasks = try tracker.webTasks().filter { task in
            guard person.isPreparationTeam || person.isDistrictReader || groups.contains(task.group) || task.owner == person.id else { return false }
            if let group = filter.group, task.group != group { return false }
            if filter.mine, task.owner != person.id { return false }
            switch filter.state {
            case "open": return task.state != .done
            case "overdue": return task.isOverdue(on: today)
            case "soon":
                guard task.state != .done, let due = task.due else { return false }
                let left = today.days(until: due)
                return left >= 0 && left <= DashboardController.soon
            case "blocked": return task.state == .blocked
            case "done": return task.state == .done
            default: return true
            }
        }
        let visibleGroups = tracker.workspace.street.groups.filter { person.isPreparationTeam || person.isDistrictReader || groups.contains($0.id) }
        return TasksPage(
            tasks: tasks.map { t in
                .init(
                    id: t.id, title: t.title, group: tracker.workspace.street.group(t.group)?.label ?? t.group,
                    owner: renderer.personName(t.owner), due: t.due?.description ?? "—", state: t.state.chinese, stateClass: t.state.rawValue,
                    done: t.state == .done, blocked: t.state == .blocked, reason: t.state == .blocked ? reasons[t.id] : nil,
                    overdue: t.isOverdue(on: today),
                    doneBy: t.doneBy.map(renderer.personName), doneAt: t.doneAt.map(ChinaTime.timestamp),
                    changeable: tracker.refusal(person: person, task: t) == nil)
            },
            groups: visibleGroups.map { SelectOption(id: $0.id, name: $0.label, selected: $0.id == filter.group) },
            states: states.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.state) },
            mine: filter.mine, flash: flash, query: filter.query)
    }

    func change(_ context: WebContext, to state: TaskState) async throws -> Response {
        guard let session = context.session, let form = context.form else { return WebRenderer.redirect("/login") }
        guard let id = form.text("task") else { return renderer.error(.badRequest, "缺少任务编号。", session: session) }
        let tracker = configuration.tracker
        let note = form.text("note")
        if state == .blocked, note == nil {
            return renderer.error(.badRequest, "标为受阻需要写明原因（例如：等待区卫计局数据）。", session: session)
        }
        let event: TrackerEvent?
        do {
            event = try await Blocking.run { try tracker.setTask(id, to: state, by: session.person, note: note) }
        } catch let failure as Tracker.Failure {
            if case .forbidden = failure {
                return renderer.error(.forbidden, "您无权修改任务 \(id)：只有所属工作组、负责人和计生科可以修改。", session: session)
            }
            return renderer.error(.badRequest, WebMessages.text(failure, tracker: tracker), session: session)
        }
        let back = form.text("return").map { $0.unicodeScalars.allSatisfy { Self.queryCharacters.contains($0) } ? $0 : "" } ?? ""
        let ok = event == nil ? "unchanged" : state.rawValue
        return WebRenderer.redirect("/tasks?" + (back.isEmpty ? "" : back + "&") + "ok=\(ok)#task-" + PackFiles.encode(id))
    }

    /// What a `return` query string may hold (as `Filter.query` writes it).
    static let queryCharacters = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "#?"))
}
