import Foundation
import NIOSSL
import PostgresNIO

/// The connections of a process to one PostgreSQL server, at most `maximumConnections` of
/// them. A store opened with an address alone has a pool of its own; `serve --district` opens
/// one pool and gives it to the store of every street and of the district, so that the
/// process holds at most that many connections however many streets it serves (a pool per
/// street would take 8 connections each, and ten streets on two instances would exceed the
/// server's default `max_connections` of 100). A store names its street and year in every
/// statement, so any connection of the pool serves any store.
public final class PostgresConnectionPool: Sendable {
    /// The connections a shared pool holds at most by default: enough for the web's requests
    /// of many streets at once (each holds a connection for one call), small beside
    /// PostgreSQL's default `max_connections` of 100 even with several `serve` processes.
    public static let defaultMaximumConnections = 16

    /// `postgres://user@host:port/db`, without a password.
    public let server: String
    public let maximumConnections: Int
    let client: PostgresClient
    let logger: Logger
    /// How long a call waits for a connection before the server counts as unavailable.
    let patience: TimeInterval
    /// `statement_timeout` and `idle_in_transaction_session_timeout` of every connection.
    let statementTimeout: TimeInterval
    /// `sslmode` of the address (`disable` without one).
    let tlsMode: String
    /// The host of the address, as TLS checks it against the server's certificate.
    let host: String
    private let running: Task<Void, Never>

    /// Checks the address, then connects once to check that the server answers.
    /// `applicationName`: how the connections show in `pg_stat_activity` (at most 63 bytes
    /// are kept); `patience`: how long a call waits for a connection; `statementTimeout`: how
    /// long one statement may take on the server.
    public init(
        url: String, applicationName: String = "taizhang", maximumConnections: Int = defaultMaximumConnections,
        patience: TimeInterval = 10, statementTimeout: TimeInterval = 15
    ) throws {
        guard let components = URLComponents(string: url), PostgresTrackerStore.isAddress(url), let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else {
            throw PostgresTrackerStore.OpenError(server: url, message: "not a PostgreSQL address; write postgres://user@host:port/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        let port = components.port ?? 5432
        let server = PostgresTrackerStore.displayAddress(url)
        self.server = server
        self.maximumConnections = max(1, maximumConnections)
        self.patience = patience
        self.statementTimeout = statementTimeout
        let tls = try PostgresTrackerStore.tls(components.queryItems ?? [], server: server)
        self.tlsMode = tls.mode
        self.host = host
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: tls.configuration.map { .require($0) } ?? .disable)
        configuration.options.maximumConnections = self.maximumConnections
        // Shown in pg_stat_activity; server-side limits (any setting may be given at connection start).
        let milliseconds = String(Int(statementTimeout * 1000))
        configuration.options.additionalStartupParameters = [
            ("application_name", String(decoding: Array(applicationName.utf8.prefix(63)), as: UTF8.self)),
            ("statement_timeout", milliseconds), ("idle_in_transaction_session_timeout", milliseconds),
        ]
        configuration.options.connectTimeout = .seconds(Int64(max(1, patience)))
        var logger = Logger(label: "taizhang-postgres")
        logger.logLevel = .critical
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        let bridge = BlockingBridge.shared
        running = bridge.start { await client.run() }
        // One direct connection first: the pool retries a refused connection until its
        // timeout, a direct one says at once why the server cannot be reached.
        let direct = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: tls.context.map { .require($0) } ?? .disable)
        let quiet = logger
        do {
            try bridge.wait(patience: patience) {
                let connection = try await PostgresConnection.connect(configuration: direct, id: 0, logger: quiet)
                try await connection.close()
            }
        } catch let error as BlockingBridge.TimedOut {
            running.cancel()
            throw PostgresTrackerStore.Unavailable(server: server, reason: "no answer within \(Int(error.seconds)) s")
        } catch {
            running.cancel()
            throw translate(error)
        }
    }

    deinit { running.cancel() }

    /// Why TLS refused the server, in words, or nil when the failure was something else:
    /// these are settings to change, not a server that is away for now.
    static func tlsRefusal(_ underlying: (any Error)?, host: String, mode tlsMode: String) -> String? {
        if let error = underlying as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's TLS certificate is not issued for \(host), which sslmode=\(tlsMode) checks: "
                + "connect with a name the certificate gives, or use sslmode=verify-ca"
        }
        if case .handshakeFailed(let failure)? = underlying as? NIOSSLError, "\(failure)".contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's TLS certificate could not be verified (an authority this computer does not trust, or out of date), which sslmode=\(tlsMode) checks: "
                + "name the authority's certificate with sslrootcert=FILE in the address, or renew the server's"
        }
        return nil
    }

    /// The error as people read it: the server's message, or `Unavailable` for a lost or
    /// refused connection; a transaction's error is the one that ended it.
    func translate(_ error: any Error) -> any Error {
        if let error = error as? PostgresTransactionError {
            if let commit = error.commitError {
                // The connection went during COMMIT: the change may or may not be saved.
                return PostgresTrackerStore.Unavailable(
                    server: server, reason: "the connection was lost while saving (\(translate(commit))); check whether the change is there")
            }
            return (error.closureError ?? error.beginError).map(translate) ?? error
        }
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState], message = error.serverInfo?[.message] ?? "\(error.code)"
            // Connection exceptions (08…), the server ending the connection (57P01–57P03), and
            // statement_timeout (57014): the server is there but cannot serve this call now.
            if let state, state.hasPrefix("08") || state.hasPrefix("57P") || state == "57014" {
                return PostgresTrackerStore.Unavailable(server: server, reason: message + "; nothing was changed")
            }
            return PostgresTrackerStore.QueryError(state: state, message: message)
        case .sslUnsupported:
            return PostgresTrackerStore.OpenError(
                server: server,
                message: "the server does not offer TLS, which sslmode=\(tlsMode) demands: turn ssl on in its postgresql.conf, "
                    + "or leave sslmode out on a network you trust")
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
            if let refusal = Self.tlsRefusal(error.underlying, host: host, mode: tlsMode) {
                return PostgresTrackerStore.OpenError(server: server, message: refusal)
            }
            let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return PostgresTrackerStore.Unavailable(server: server, reason: reason + "; nothing was changed")
        default:
            return PostgresTrackerStore.QueryError(state: nil, message: "\(error.code)")
        }
    }
}
