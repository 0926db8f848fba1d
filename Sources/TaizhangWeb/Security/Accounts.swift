import Foundation
import HummingbirdBcrypt
import TaizhangTracker

/// What a password must be; checked by `Accounts.setPassword`, whoever calls it.
public struct PasswordPolicy: Sendable {
    public var minimumLength = 8
    /// bcrypt reads only the first 72 bytes; a longer password would be cut without a word.
    public var maximumBytes = 72

    public init() {}

    /// Why the password is refused, or nil when it is acceptable.
    public func problem(with password: String, person: String) -> Accounts.PasswordProblem? {
        if password.count < minimumLength { return .tooShort(minimum: minimumLength) }
        if password.utf8.count > maximumBytes { return .tooLong(maximumBytes: maximumBytes) }
        if password.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .blank }
        if password.lowercased() == person.lowercased() { return .sameAsPersonID }
        return nil
    }
}

/// Accounts: bcrypt hashes in the tracker store.
public enum Accounts {
    public static let policy = PasswordPolicy()
    static let cost: UInt8 = 10

    public enum PasswordProblem: Error, Equatable, CustomStringConvertible, Sendable {
        case tooShort(minimum: Int)
        case tooLong(maximumBytes: Int)
        case blank
        case sameAsPersonID

        public var description: String {
            switch self {
            case .tooShort(let minimum): "the password needs at least \(minimum) characters"
            case .tooLong(let bytes): "the password may have at most \(bytes) bytes (bcrypt ignores the rest)"
            case .blank: "the password may not be only spaces"
            case .sameAsPersonID: "the password may not be the person id"
            }
        }
    }

    /// Checks the policy, then stores the bcrypt hash and ends the person's sessions (returns
    /// how many). Blocking (bcrypt): call it off the async executor.
    @discardableResult
    public static func setPassword(_ password: String, person: String, tracker: Tracker) throws -> Int {
        _ = try tracker.person(person)
        if let problem = policy.problem(with: password, person: person) { throw problem }
        return try tracker.setPasswordHash(Bcrypt.hash(password, cost: cost), person: person, at: tracker.now())
    }

    /// A hash of nothing anyone can type, checked when the account does not exist, so that
    /// unknown and known person ids take the same time.
    static let decoyHash = Bcrypt.hash(Token.make(), cost: cost)

    /// Blocking (bcrypt and SQLite): call it off the async executor. Every path runs exactly
    /// one bcrypt check, whether the person id exists, has an account, or neither.
    public static func verify(_ password: String, person: String, tracker: Tracker) throws -> Bool {
        let hash = tracker.workspace.street.person(person) == nil ? nil : try tracker.passwordHash(person: person)
        let matches = Bcrypt.verify(password, hash: hash ?? decoyHash)
        return hash != nil && matches
    }
}
