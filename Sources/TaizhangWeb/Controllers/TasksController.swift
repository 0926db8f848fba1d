import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The tasks of a person's groups (all of them for the preparation team).
struct TasksController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("tasks", use: list)
        group.post("tasks/done") { _, context in try await change(context, to: .done) }
        group.post("tasks/reopen") { _, context in try await change(context, to: .open) }
    }

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let (tracker, renderer) = (configuration.tracker, self.renderer)
        let page = try await Blocking.run { try Self.model(tracker, renderer: renderer, person: session.person) }
        return renderer.page("web-tasks", title: "任务清单", page, session: session)
    }

    static func model(_ tracker: Tracker, renderer: WebRenderer, person id: String) throws -> TasksPage {
        let person = try tracker.person(id)
        let groups = Set(tracker.groups(of: person).map(\.id))
        let today = ChinaTime.day(tracker.now())
        let tasks = try tracker.tasks().filter { person.isPreparationTeam || groups.contains($0.group) || $0.owner == person.id }
        return TasksPage(
            tasks: tasks.map { t in
                .init(
                    id: t.id, title: t.title, group: tracker.workspace.street.group(t.group).map { "第\($0.number)组 \($0.name)" } ?? t.group,
                    owner: renderer.personName(t.owner), due: t.due?.description ?? "—", state: t.state.chinese,
                    done: t.state == .done, overdue: t.state != .done && (t.due.map { $0 < today } ?? false),
                    doneBy: t.doneBy.map(renderer.personName), doneAt: t.doneAt.map(ChinaTime.timestamp))
            })
    }

    func change(_ context: WebContext, to state: TaskState) async throws -> Response {
        guard let session = context.session, let form = context.form else { return WebRenderer.redirect("/login") }
        guard let id = form.text("task") else { return renderer.error(.badRequest, "缺少任务编号。", session: session) }
        let tracker = configuration.tracker
        let note = form.text("note")
        do {
            _ = try await Blocking.run { try tracker.setTask(id, to: state, by: session.person, note: note) }
        } catch let failure as Tracker.Failure {
            if case .forbidden = failure { return renderer.error(.forbidden, failure.description, session: session) }
            return renderer.error(.badRequest, failure.description, session: session)
        }
        return WebRenderer.redirect("/tasks#task-" + PackFiles.encode(id))
    }
}
