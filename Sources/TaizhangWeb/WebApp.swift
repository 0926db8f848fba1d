import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdBcrypt
import TaizhangCore
import TaizhangTracker

/// Everything the web page needs; built once by `taizhang serve` (or a test).
public struct WebConfiguration: Sendable {
    public var tracker: Tracker
    public var templates: TemplateSet
    /// The generated pack (`output/<street>-<year>`), for files present and unit indexes.
    public var packRoot: String
    public var sessions: SessionStore
    public var throttle: LoginThrottle

    public init(tracker: Tracker, templates: TemplateSet, packRoot: String,
                sessions: SessionStore = SessionStore(), throttle: LoginThrottle = LoginThrottle()) {
        self.tracker = tracker
        self.templates = templates
        self.packRoot = packRoot
        self.sessions = sessions
        self.throttle = throttle
    }

    public static let webTemplates = ["style", "web-layout-head", "web-layout-foot", "web-login", "web-dashboard", "web-items", "web-tasks", "web-log", "web-unit", "web-error"]
}

/// Accounts: bcrypt hashes in the tracker store.
public enum Accounts {
    public static let minimumPasswordLength = 8

    public static func setPassword(_ password: String, person: String, tracker: Tracker) throws {
        _ = try tracker.person(person)
        try tracker.store.setPasswordHash(Bcrypt.hash(password, cost: 10), person: person, at: tracker.now())
    }

    public static func verify(_ password: String, person: String, tracker: Tracker) throws -> Bool {
        guard let hash = try tracker.store.passwordHash(person: person) else {
            // Spend the same time as a real check, so timing does not tell which accounts exist.
            _ = Bcrypt.verify(password, hash: "$2b$10$abcdefghijklmnopqrstuuJ4B4C0jHc5u8VqYf0rXnRj1W6Hc3K9Sy")
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }
}

public enum WebApp {
    static let sessionCookie = "taizhang_session"
    static let loginCookie = "taizhang_login"

    public static func application(_ configuration: WebConfiguration, host: String, port: Int) -> some ApplicationProtocol {
        Application(router: router(configuration), configuration: .init(address: .hostname(host, port: port), serverName: "taizhang"))
    }

    public static func router(_ c: WebConfiguration) -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: SessionMiddleware(sessions: c.sessions, now: c.tracker.now))
        let pages = Pages(configuration: c)

        router.get("/login") { request, context in pages.login(request: request, error: nil) }
        router.post("/login") { request, context in try await pages.signIn(request: request, context: context) }
        router.post("/logout") { request, context in try await pages.signOut(request: request, context: context) }
        router.get("/") { request, context in try pages.signedIn(context) { try pages.dashboard($0) } }
        router.get("/items") { request, context in try pages.signedIn(context) { try pages.items($0, request: request) } }
        router.post("/items/tick") { request, context in try await pages.changeItem(request: request, context: context, untick: false) }
        router.post("/items/untick") { request, context in try await pages.changeItem(request: request, context: context, untick: true) }
        router.get("/tasks") { request, context in try pages.signedIn(context) { try pages.tasks($0) } }
        router.post("/tasks/done") { request, context in try await pages.changeTask(request: request, context: context, to: .done) }
        router.post("/tasks/reopen") { request, context in try await pages.changeTask(request: request, context: context, to: .open) }
        router.get("/log") { request, context in try pages.signedIn(context) { try pages.log($0, request: request) } }
        router.get("/units/{id}") { request, context in
            try pages.signedIn(context) { try pages.unit($0, id: context.parameters.get("id") ?? "") }
        }
        router.get("/units/{id}/index.html") { request, context in
            try pages.signedIn(context) { _ in pages.generatedIndex(id: context.parameters.get("id") ?? "") }
        }
        return router
    }
}

/// Adds headers that keep pages from being framed, sniffed or cached, and forbids scripts.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// Finds the session named by the cookie, if it is still valid.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let sessions: SessionStore
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[WebApp.sessionCookie]?.value, let session = await sessions.session(token, now: now()) {
            context.session = session
            context.sessionToken = token
        }
        return try await next(request, context)
    }
}
