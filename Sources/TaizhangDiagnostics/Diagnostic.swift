/// A position in a source file: 1-based line and column; 0 means "not known".
public struct SourceLocation: Hashable, Sendable, Comparable {
    /// The file as given to the tool (usually an absolute path).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One problem found in the user's input: the single diagnostics type of the whole tool.
///
/// Rendered compiler-style (`file:line:col: error: message [id]`) so that editors can jump to it.
public struct Diagnostic: Hashable, Sendable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note

        private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    public var location: SourceLocation?
    /// A stable identifier such as `checklist.duplicate-code`; tests and users can grep for it.
    public var id: String
    public var message: String
    public var notes: [String]

    public init(_ severity: Severity, _ id: String, _ message: String, at location: SourceLocation? = nil, notes: [String] = []) {
        self.severity = severity
        self.location = location
        self.id = id
        self.message = message
        self.notes = notes
    }

    public static func error(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, id, message, at: location, notes: notes)
    }

    public static func warning(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [String] = []) -> Diagnostic {
        Diagnostic(.warning, id, message, at: location, notes: notes)
    }

    /// `path:line:col: severity: message [id]`, with `path` relative to `base` when it lies inside it.
    public func rendered(relativeTo base: String? = nil) -> String {
        var out = ""
        if let location {
            out += Diagnostic.displayPath(location.file, relativeTo: base)
            if location.line > 0 {
                out += ":\(location.line)"
                out += ":\(max(location.column, 1))"
            }
            out += ": "
        }
        out += "\(severity.rawValue): \(message) [\(id)]"
        for note in notes { out += "\n    note: \(note)" }
        return out
    }

    public var description: String { rendered() }

    /// `file` relative to `base` if it is inside `base`, otherwise unchanged.
    public static func displayPath(_ file: String, relativeTo base: String?) -> String {
        guard var base, !base.isEmpty else { return file }
        if !base.hasSuffix("/") { base += "/" }
        if file.hasPrefix(base) { return String(file.dropFirst(base.count)) }
        return file
    }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { count { $0.severity == .error } }
    public var warningCount: Int { count { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column; diagnostics without a location come first. Stable for equal positions.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (la?, lb?): return la == lb ? a.offset < b.offset : la < lb
            }
        }.map(\.element)
    }
}
