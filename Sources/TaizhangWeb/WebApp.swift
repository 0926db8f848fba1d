import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import TaizhangCore
import TaizhangTracker

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the web page needs; built once by `taizhang serve` (or a test).
public struct WebConfiguration: Sendable {
    public var tracker: Tracker
    public var templates: TemplateSet
    /// The generated pack (`output/<street>-<year>`), for files present and unit indexes.
    public var packRoot: String
    public var sessions: any WebSessionStore
    public var throttle: any SignInThrottle
    public var clientAddress: ClientAddress
    public var uploads: UploadLimits
    /// Finds headless Chromium for the PDF downloads (tests inject a missing one).
    public var chromium: @Sendable () -> Chromium?
    /// On-demand PDFs and zips made at once (one by default: see `DownloadSlots`).
    public var downloads = DownloadSlots()
    /// The item folders' file counts, kept between requests (see `PackInventory`).
    var inventory = PackInventory()
    /// The item folders' paths and links, worked out once per unit (see `ItemLocations`).
    var locations = ItemLocations()
    /// Where the pages live under a district's `serve` (`/s/<street>`); empty for one street.
    public var pathPrefix = ""

    public init(
        tracker: Tracker, templates: TemplateSet, packRoot: String,
        sessions: any WebSessionStore = InMemorySessionStore(),
        throttle: (any SignInThrottle)? = nil,
        clientAddress: ClientAddress = .socket,
        uploads: UploadLimits = UploadLimits(),
        chromium: @escaping @Sendable () -> Chromium? = { Chromium.find() }
    ) {
        self.tracker = tracker
        self.templates = templates
        self.packRoot = packRoot
        self.sessions = sessions
        // In the tracker's store unless a test passes another: restarts and other instances share it.
        self.throttle = throttle ?? StoredSignInThrottle(tracker: tracker)
        self.clientAddress = clientAddress
        self.uploads = uploads
        self.chromium = chromium
    }

    public static let webTemplates = [
        "style", "web-layout-head", "web-layout-foot", "web-login", "web-dashboard", "web-items", "web-tasks",
        "web-log", "web-unit", "web-folder", "web-error", "web-duban", "web-item", "web-result",
    ]
}

/// How much one evidence upload may carry.
public struct UploadLimits: Sendable {
    /// Each file (default 50 MB).
    public var maximumFileBytes: Int
    /// The whole request, every file together (default 200 MB).
    public var maximumTotalBytes: Int

    public init(maximumFileBytes: Int = 50 * 1024 * 1024, maximumTotalBytes: Int = 200 * 1024 * 1024) {
        self.maximumFileBytes = maximumFileBytes
        self.maximumTotalBytes = maximumTotalBytes
    }

    /// The whole request: the files' total plus room for the form fields and part headers.
    public var maximumRequestBytes: Int { maximumTotalBytes + 256 * 1024 }
}

/// Where the sign-in throttle takes a client's address from.
public enum ClientAddress: Sendable {
    /// The TCP peer (the default: the page is served directly on the office network).
    case socket
    /// A header set by a reverse proxy you run in front of the page (never trust it otherwise).
    case header(String)

    func of(_ request: Request, context: WebContext) -> String {
        switch self {
        case .socket: context.socketAddress
        case .header(let name): HTTPField.Name(name).flatMap { request.headers[$0] } ?? context.socketAddress
        }
    }
}

/// Connection limits, so that half-sent requests or idle connections cannot starve others.
public struct ServerLimits: Sendable {
    /// A request must arrive in full within this time.
    public var readTimeout: TimeAmount = .seconds(10)
    /// A kept-alive connection with no request is closed after this time.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// Connections beyond this wait in the kernel's queue until one closes.
    public var maxConnections = 256
    /// A request with a body gets one more second per this many bytes of it (uploads).
    public var minimumBodyRate = 1024 * 1024

    public init() {}
}

public enum WebApp {
    static let sessionCookie = "taizhang_session"
    static let loginCookie = "taizhang_login"

    /// For `serve`, once, before it starts. Each reload renders a page of 100–200 KB into a
    /// fresh buffer and copies it into the response's. glibc gives memory freed at the top of
    /// a thread's heap back to the kernel once 128 KB of it lie free, so the next request's
    /// buffers fault in zeroed pages again: about 2% of the server's CPU under load, with
    /// `madvise` calls besides. The server keeps up to 64 MB of freed memory instead (its
    /// peak, not a growth), and takes blocks under 4 MB from its heaps, not from `mmap`.
    public static func tuneMemoryForServing() {
        #if canImport(Glibc)
            // `mallopt` is glibc's (malloc.h, which Swift's Glibc module leaves out); its option
            // numbers are fixed in glibc's ABI: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-1, 64 << 20)
            _ = mallopt(-3, 4 << 20)
        #endif
    }

    public static func application(
        _ configuration: WebConfiguration, address: BindAddress, limits: ServerLimits = ServerLimits(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        application(router: router(configuration), uploads: configuration.uploads, address: address, limits: limits, onServerRunning: onServerRunning)
    }

    /// The server around a router (one street's, or a district's).
    static func application(
        router: Router<WebContext>, uploads: UploadLimits, address: BindAddress, limits: ServerLimits,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        RequestReadTimeoutHandler(
                            timeout: limits.readTimeout, bytesPerSecond: limits.minimumBodyRate,
                            maximumBody: uploads.maximumRequestBytes)
                    ],
                    idleTimeout: limits.idleTimeout)),
            configuration: .init(
                address: address, serverName: "taizhang",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
            onServerRunning: onServerRunning)
    }

    /// The routes, controller by controller. Sign-in (`SignedInMiddleware`) and CSRF checks
    /// (`CSRFMiddleware`) are middleware on the members' group, so no handler repeats them.
    public static func router(_ c: WebConfiguration) -> Router<WebContext> {
        let renderer = WebRenderer(templates: c.templates, street: c.tracker.workspace.street, prefix: c.pathPrefix)
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware(renderer: renderer))
        router.add(middleware: SessionMiddleware(sessions: c.sessions, now: c.tracker.now))
        let members = router.group()
            .add(middleware: SignedInMiddleware())
            .add(middleware: CSRFMiddleware(source: .session, renderer: renderer))
        SignInController(configuration: c, renderer: renderer).addRoutes(public: router.group(), members: members)
        DashboardController(configuration: c, renderer: renderer).addRoutes(to: members)
        ItemsController(configuration: c, renderer: renderer).addRoutes(to: members)
        TasksController(configuration: c, renderer: renderer).addRoutes(to: members)
        LogController(configuration: c, renderer: renderer).addRoutes(to: members)
        UnitController(configuration: c, renderer: renderer).addRoutes(to: members)
        PackController(configuration: c, renderer: renderer).addRoutes(to: members)
        UploadController(configuration: c, renderer: renderer).addRoutes(to: members)
        DownloadController(configuration: c, renderer: renderer).addRoutes(to: members)
        return router
    }
}
