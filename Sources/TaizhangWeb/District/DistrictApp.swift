import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaizhangCore
import TaizhangTracker

/// Everything `serve --district` needs: the district, its accounts tracker (district accounts
/// and every session of the district) and one `WebConfiguration` per street, each on the
/// street's own tracker. The street configurations are set up here for district mode: their
/// pages live under `/s/<street>/` and their sessions in the district's store.
public struct DistrictConfiguration: Sendable {
    public let district: District
    public let accounts: Tracker
    public let templates: TemplateSet
    /// In the district file's order.
    public let streets: [WebConfiguration]
    public let sessions: any WebSessionStore
    public let throttle: any SignInThrottle
    public let clientAddress: ClientAddress

    /// `streets`: each street's configuration as for a one-street `serve`, its tracker built
    /// on `district.serving(workspace)` so that district people are known (and refused every change).
    /// `throttle`: the district sign-in's (`/login`); by default in the accounts tracker's store,
    /// as each street's default throttle is in the street's own, so that a restart or a second
    /// `serve --district` on the same database keeps the back-off.
    public init(
        district: District, accounts: Tracker, templates: TemplateSet, streets: [WebConfiguration],
        sessions: any WebSessionStore, throttle: (any SignInThrottle)? = nil, clientAddress: ClientAddress = .socket
    ) {
        self.district = district
        self.accounts = accounts
        self.templates = templates
        self.sessions = sessions
        self.throttle = throttle ?? StoredSignInThrottle(tracker: accounts)
        self.clientAddress = clientAddress
        self.streets = streets.map { street in
            var street = street
            let id = street.tracker.workspace.street.id
            street.pathPrefix = DistrictApp.prefix(id)
            street.sessions = StreetSessions(base: sessions, street: id)
            street.clientAddress = clientAddress
            return street
        }
    }

    public static let templateNames = WebConfiguration.webTemplates + ["web-district"]

    /// The district's own pages (sign-in, overview) as one-street pages would see them.
    var web: WebConfiguration {
        var web = WebConfiguration(
            tracker: accounts, templates: templates, packRoot: district.folder, sessions: sessions, throttle: throttle,
            clientAddress: clientAddress)
        web.uploads = UploadLimits(
            maximumFileBytes: streets.map(\.uploads.maximumFileBytes).max() ?? web.uploads.maximumFileBytes,
            maximumTotalBytes: streets.map(\.uploads.maximumTotalBytes).max() ?? web.uploads.maximumTotalBytes)
        return web
    }
}

/// Who a district session belongs to. District sessions name the person as `<street>/<person>`
/// for street people and `<person>` for district people (ids cannot contain `/`).
enum DistrictPrincipal: Equatable {
    case district(String)
    case street(String, person: String)

    init(_ stored: String) {
        if let slash = stored.firstIndex(of: "/") {
            self = .street(String(stored[..<slash]), person: String(stored[stored.index(after: slash)...]))
        } else {
            self = .district(stored)
        }
    }

    static func stored(street: String, person: String) -> String { street + "/" + person }
}

/// A street's view of the district's sessions: its sign-in creates a session for
/// `<street>/<person>`; it sees its own people's sessions (person id without the street) and
/// the district people's, never another street's.
struct StreetSessions: WebSessionStore {
    let base: any WebSessionStore
    let street: String

    func create(person: String, now: Date) async throws -> (token: String, session: WebSession) {
        var (token, session) = try await base.create(person: DistrictPrincipal.stored(street: street, person: person), now: now)
        session.person = person
        return (token, session)
    }

    func session(_ token: String, now: Date) async throws -> WebSession? {
        guard var session = try await base.session(token, now: now) else { return nil }
        switch DistrictPrincipal(session.person) {
        case .district: return session
        case .street(let id, let person):
            guard id == street else { return nil }
            session.person = person
            return session
        }
    }

    func remove(_ token: String) async throws { try await base.remove(token) }

    func count() async throws -> Int { try await base.count() }
}

public enum DistrictApp {
    static func prefix(_ street: String) -> String { "/s/" + PackFiles.encode(street) }

    public static func application(
        _ configuration: DistrictConfiguration, address: BindAddress, limits: ServerLimits = ServerLimits(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        WebApp.application(router: router(configuration), uploads: configuration.web.uploads, address: address, limits: limits, onServerRunning: onServerRunning)
    }

    /// The district's routes: sign-in for district people at `/login`, the overview at `/`,
    /// and every street's own routes under `/s/<street>/`, behind a check of who may see them.
    public static func router(_ c: DistrictConfiguration) -> Router<WebContext> {
        let web = c.web
        let streetLinks = c.streets.map {
            DistrictPage.Link(name: $0.tracker.workspace.street.name, href: prefix($0.tracker.workspace.street.id) + "/login")
        }
        var street = c.accounts.workspace.street
        street.year = c.streets.map(\.tracker.workspace.street.year).max() ?? street.year
        let renderer = WebRenderer(templates: c.templates, street: street, signInLinks: streetLinks)
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware(renderer: renderer))
        router.add(middleware: SessionMiddleware(sessions: c.sessions, now: c.accounts.now))
        let members = router.group()
            .add(middleware: SignedInMiddleware())
            .add(middleware: CSRFMiddleware(source: .session, renderer: renderer))
        SignInController(configuration: web, renderer: renderer).addRoutes(public: router.group(), members: members)
        DistrictController(configuration: c, renderer: renderer).addRoutes(to: members)
        let gate = StreetGate(
            streets: Dictionary(c.streets.map { ($0.tracker.workspace.street.id, WebApp.router($0).buildResponder()) }, uniquingKeysWith: { a, _ in a }),
            renderer: renderer)
        for path in ["s/{street}", "s/{street}/**"] {
            router.get(RouterPath(path), use: gate.forward)
            router.head(RouterPath(path), use: gate.forward)
            router.post(RouterPath(path), use: gate.forward)
        }
        return router
    }
}

/// Hands `/s/<street>/…` to that street's routes, as `/…`, when the signed-in person may see
/// them: the street's own people, and district people for reading only (no tick, no upload,
/// nothing but signing out). Anyone else signed in gets 403; nobody signed in reaches the
/// street's sign-in page. Redirects, cookie paths and the links of the street's pages
/// (`WebConfiguration.pathPrefix`) carry the prefix.
struct StreetGate: Sendable {
    let streets: [String: RouterResponder<WebContext>]
    let renderer: WebRenderer

    @Sendable func forward(_ request: Request, context: WebContext) async throws -> Response {
        let rest = request.uri.path.dropFirst(3)  // "/s/"
        let id = String(rest.prefix { $0 != "/" }).removingPercentEncoding ?? ""
        guard let responder = streets[id] else {
            return renderer.error(.notFound, "没有这个街道。", session: nil)
        }
        let prefix = DistrictApp.prefix(id)
        let inner = String(rest.drop { $0 != "/" })
        guard !inner.isEmpty else { return WebRenderer.redirect(prefix + "/") }
        var forwarded = context
        forwarded.session = nil
        forwarded.sessionToken = nil
        var reader = false
        if let session = context.session {
            switch DistrictPrincipal(session.person) {
            case .street(let own, let person):
                guard own == id else {
                    return renderer.error(.forbidden, "您的账号属于其他街道，不能查看本街道的页面。", session: nil)
                }
                forwarded.session = session
                forwarded.session?.person = person
            case .district:
                let reading = request.method == .get || request.method == .head
                guard reading || inner == "/logout" else {
                    return renderer.error(.forbidden, "区级账号只能查看，不能勾选、上传或修改。", session: nil)
                }
                forwarded.session = session
                reader = true
            }
            forwarded.sessionToken = context.sessionToken
        }
        var head = request.head
        head.path = inner + (request.uri.query.map { "?" + $0 } ?? "")
        // The session is already resolved: the street does not look it up again.
        let cookies = request.headers[values: .cookie].flatMap { $0.split(separator: ";") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix(WebApp.sessionCookie + "=") }
        head.headerFields[values: .cookie] = cookies.isEmpty ? [] : [cookies.joined(separator: "; ")]
        var response = try await responder.respond(to: Request(head: head, body: request.body), context: forwarded)
        if let location = response.headers[.location], location.hasPrefix("/"), !location.hasPrefix("//") {
            // A district person signing out goes back to the district's sign-in page.
            response.headers[.location] = reader && location == "/login" ? location : prefix + location
        }
        let setCookies = response.headers[values: .setCookie]
        if !setCookies.isEmpty {
            response.headers[values: .setCookie] = setCookies.map { Self.prefixingPath($0, prefix) }
        }
        return response
    }

    /// `Path=/login` → `Path=/s/<street>/login`; the session cookie (`Path=/`) stays the
    /// district's, so one sign-in serves every page the person may see.
    static func prefixingPath(_ cookie: String, _ prefix: String) -> String {
        cookie.split(separator: ";", omittingEmptySubsequences: false).map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Path=/"), trimmed != "Path=/" else { return String(part) }
            return " Path=" + prefix + trimmed.dropFirst("Path=".count)
        }.joined(separator: ";")
    }
}
