import Foundation
import Mustache
import TaizhangDiagnostics

/// The user-editable Mustache templates of a workspace (`templates/*.mustache`).
///
/// Every template is parsed up front: a syntax error is reported as `file:line:col`, a missing
/// template by its file name, before anything is written.
public struct TemplateSet: Sendable {
    public static let folder = "templates"
    public let directory: String
    let library: MustacheLibrary
    /// The templates parsed from the directory.
    public let names: Set<String>

    public init(directory: String, required: [String]) throws(DiagnosticList) {
        self.directory = directory
        var library = MustacheLibrary()
        var diagnostics: [Diagnostic] = []
        let fm = FileManager.default
        var names = Set(required)
        if let files = try? fm.contentsOfDirectory(atPath: directory) {
            for file in files where file.hasSuffix(".mustache") { names.insert(String(file.dropLast(".mustache".count))) }
        }
        for name in names.sorted() {
            let path = directory + "/" + name + ".mustache"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                let exists = fm.fileExists(atPath: path)
                diagnostics.append(
                    .error(
                        exists ? "template.unreadable" : "template.missing",
                        exists ? "template is not readable UTF-8 text" : "template \(name).mustache not found",
                        at: SourceLocation(file: path)))
                continue
            }
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(
                    .error(
                        "template.syntax", "template syntax: \(Self.describe(error.error))",
                        at: SourceLocation(file: path, line: error.context.lineNumber, column: error.context.columnNumber + 1)))
            } catch {
                diagnostics.append(.error("template.syntax", "template syntax: \(error)", at: SourceLocation(file: path)))
            }
        }
        if diagnostics.hasErrors { throw DiagnosticList(diagnostics) }
        self.library = library
        self.names = names
    }

    /// An error for each of `names` that this set does not hold; empty when all are there.
    public func check(_ required: [String]) -> [Diagnostic] {
        required.filter { !names.contains($0) }.map(unknown)
    }

    private func unknown(_ name: String) -> Diagnostic {
        .error(
            "template.unknown", "no template named \(name) (\(name).mustache is not among the parsed templates)",
            at: SourceLocation(file: directory + "/" + name + ".mustache"))
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: "a section is closed with the wrong name"
        case MustacheTemplate.Error.unfinishedName: "a tag is not closed with }}"
        case MustacheTemplate.Error.expectedSectionEnd: "a section is opened but never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: "invalid set-delimiter tag"
        default: "\(error)"
        }
    }

    /// Renders a template with a view model; UTF-8 bytes. A name that is not a parsed
    /// template is an error (swift-mustache would render it as an empty page).
    public func render(_ name: String, _ object: Any) throws(Diagnostic) -> [UInt8] {
        guard names.contains(name), let text = library.render(object, withTemplate: name) else { throw unknown(name) }
        return Array(text.utf8)
    }
}

/// Several diagnostics thrown together.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
