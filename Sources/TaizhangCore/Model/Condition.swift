import Foundation

/// An applies-when condition over community attributes, e.g.
/// `hasUrbanVillage`, `not outsourcedCollection`, `enterpriseAssociations >= 1 and hasUrbanVillage`.
///
/// Grammar: clause (`and` clause)*; clause = [`not`] name | name op value, op ∈ = != > >= < <=.
/// Deliberately small: the people writing it are not programmers.
public struct Condition: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        // Two-character operators first: parsing tries them in this order.
        case greaterOrEqual = ">=", lessOrEqual = "<=", notEqual = "!=", equal = "=", greater = ">", less = "<"
    }

    public enum Clause: Sendable, Equatable {
        /// A boolean attribute that must be true (or false, when negated).
        case flag(name: String, negated: Bool)
        case compare(name: String, op: Operator, value: String)

        public var attributeName: String {
            switch self {
            case .flag(let name, _), .compare(let name, _, _): name
            }
        }
    }

    public var clauses: [Clause]

    public struct ParseError: Error, Equatable {
        public let message: String
    }

    public init(parsing text: String) throws(ParseError) {
        let parts = text.components(separatedByWord: "and")
        var clauses: [Clause] = []
        for raw in parts {
            let part = raw.trimmed
            if part.isEmpty { throw ParseError(message: "empty clause in \"\(text)\"") }
            clauses.append(try Condition.parseClause(part))
        }
        self.clauses = clauses
    }

    private static func parseClause(_ text: String) throws(ParseError) -> Clause {
        for op in Operator.allCases {
            if let range = text.range(of: op.rawValue) {
                let name = text[..<range.lowerBound].trimming(" \t")
                let value = text[range.upperBound...].trimming(" \t\"'")
                guard isName(name) else { throw ParseError(message: "\"\(name)\" is not an attribute name") }
                guard !value.isEmpty else { throw ParseError(message: "missing value after \(op.rawValue)") }
                return .compare(name: name, op: op, value: value)
            }
        }
        let words = text.split(separator: " ").map(String.init)
        if words.count == 2, words[0] == "not", isName(words[1]) { return .flag(name: words[1], negated: true) }
        if words.count == 1, isName(words[0]) { return .flag(name: words[0], negated: false) }
        throw ParseError(message: "cannot read \"\(text)\"; write e.g. hasUrbanVillage, not hasUrbanVillage or enterpriseAssociations >= 1")
    }

    private static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// Whether a community satisfies the condition; unset attributes take their definition's default.
    public func matches(_ community: Community, definitions: [AttributeDefinition]) -> Bool {
        clauses.allSatisfy { clause in
            let definition = definitions.first { $0.name == clause.attributeName }
            let raw = community.value(of: clause.attributeName) ?? definition?.defaultValue
            switch clause {
            case .flag(_, let negated):
                let value = Condition.truthy(raw)
                return negated ? !value : value
            case .compare(_, let op, let expected):
                let actual = raw ?? (definition?.kind == .integer ? "0" : "")
                if let a = Int(actual), let b = Int(expected) {
                    switch op {
                    case .equal: return a == b
                    case .notEqual: return a != b
                    case .greater: return a > b
                    case .greaterOrEqual: return a >= b
                    case .less: return a < b
                    case .lessOrEqual: return a <= b
                    }
                }
                if definition?.kind == .boolean {
                    let a = Condition.truthy(actual), b = Condition.truthy(expected)
                    return op == .equal ? a == b : op == .notEqual ? a != b : false
                }
                switch op {
                case .equal: return actual == expected
                case .notEqual: return actual != expected
                default: return false
                }
            }
        }
    }

    static func truthy(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["true", "1", "yes", "是"].contains(value.lowercased())
    }
}

extension String {
    /// Splits on a whole word surrounded by whitespace (`a and b` → [a, b]).
    /// The parts are built by appending, not with `joined`: `[Substring].joined` is a generic
    /// call whose first use scans the runtime's conformance table (`validate` start-up).
    func components(separatedByWord word: String) -> [String] {
        var result: [String] = []
        var current = ""
        var isFirst = true
        for token in split(separator: " ", omittingEmptySubsequences: false) {
            if token == Substring(word) {
                result.append(current)
                current = ""
                isFirst = true
            } else {
                if !isFirst { current += " " }
                current.append(contentsOf: token)
                isFirst = false
            }
        }
        result.append(current)
        return result
    }
}
