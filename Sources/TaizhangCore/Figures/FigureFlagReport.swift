import Foundation
import TaizhangDiagnostics

/// The flags of `taizhang figures check --format json`: stable keys, paths relative to the workspace.
public struct FigureFlagReport: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        var rule: String
        var kind: FigureFlag.Kind
        var severity: String
        var id: String
        var unit: String
        var unitName: String
        var figure: String
        var label: String
        var file: String
        var line: Int
        var column: Int
        var arithmetic: String
        var reported: Double?
        var computed: Double?
        var difference: Double?
        var explanation: String?
    }

    var errors: Int
    var warnings: Int
    var notes: Int
    var flags: [Entry]

    public init(flags: [FigureFlag], root: String) {
        self.flags = flags.map { flag in
            Entry(
                rule: flag.rule, kind: flag.kind, severity: flag.severity.rawValue, id: flag.diagnosticID,
                unit: flag.unit, unitName: flag.unitName, figure: flag.figure, label: flag.label,
                file: Diagnostic.displayPath(flag.location.file, relativeTo: root),
                line: flag.location.line, column: max(flag.location.column, 1), arithmetic: flag.arithmetic,
                reported: flag.reported, computed: flag.computed, difference: flag.difference, explanation: flag.explanation)
        }
        errors = flags.count { $0.severity == .error }
        warnings = flags.count { $0.severity == .warning }
        notes = flags.count { $0.severity == .note }
    }

    /// Pretty-printed JSON with sorted keys (the same flags give the same bytes).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
