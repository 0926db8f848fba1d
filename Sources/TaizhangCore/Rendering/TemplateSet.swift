import Crypto
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
    /// Per template, a digest of its bytes and those of every template it can include.
    private let digests: [String: [UInt8]]
    /// Templates the typed engine renders (`PageTemplate`): those it compiles, with every
    /// partial they include; the others go through swift-mustache.
    private let compiled: [String: PageTemplate]

    public init(directory: String, required: [String]) throws(DiagnosticList) {
        self.directory = directory
        var library = MustacheLibrary()
        var diagnostics: [Diagnostic] = []
        let fm = FileManager.default
        var names = Set(required)
        var texts: [String: String] = [:]
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
            texts[name] = text
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
        self.digests = Self.digests(texts)
        self.compiled = Self.compile(texts)
    }

    static func compile(_ texts: [String: String]) -> [String: PageTemplate] {
        var parsed: [String: PageTemplate] = [:]
        for (name, text) in texts { parsed[name] = PageTemplate(text) }
        // Keep only templates whose partials (transitively) are all compiled too.
        var usable = parsed
        var changed = true
        while changed {
            changed = false
            for (name, template) in usable where template.partials.contains(where: { usable[$0] == nil && texts[$0] != nil }) {
                usable[name] = nil
                changed = true
            }
        }
        return usable
    }

    /// The digest of a template together with the partials it includes (fingerprints of the
    /// generated pages); an unknown name has an empty one.
    func digest(of name: String) -> [UInt8] { digests[name] ?? [] }

    /// Each template's bytes and, in name order, those of the partials it reaches (`{{> name}}`).
    /// A template that could reach any other (set delimiters, dynamic partials, inheritance)
    /// depends on all of them.
    static func digests(_ texts: [String: String]) -> [String: [UInt8]] {
        let open = "{{"
        func partials(_ text: String) -> Set<String>? {
            var found: Set<String> = []
            var rest = Substring(text)
            while let start = rest.range(of: open) {
                rest = rest[start.upperBound...]
                let tag = rest.prefix { $0 != "}" }.trimmingCharacters(in: .whitespaces)
                if tag.hasPrefix("=") || tag.hasPrefix("<") || tag.hasPrefix("$") { return nil }
                guard tag.hasPrefix(">") else { continue }
                let name = tag.dropFirst().trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("*") { return nil }
                found.insert(name)
            }
            return found
        }
        let direct = texts.mapValues(partials)
        var result: [String: [UInt8]] = [:]
        for name in texts.keys {
            var reached: Set<String> = [name]
            var queue = [name]
            var everything = false
            while let next = queue.popLast() {
                guard let children = direct[next] ?? [] else {
                    everything = true
                    break
                }
                for child in children where reached.insert(child).inserted { queue.append(child) }
            }
            var hasher = SHA256()
            for part in (everything ? Set(texts.keys) : reached).sorted() {
                hasher.update(data: Array(part.utf8) + [0] + Array((texts[part] ?? "").utf8) + [0])
            }
            result[name] = Array(hasher.finalize())
        }
        return result
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

    /// Renders a page model with the typed engine when the template allows (same bytes as
    /// swift-mustache, several times faster), else as above. The web pages render this way too;
    /// with `fragments` (one session's), unchanged list elements are copied from its last render.
    package func render<Model: PageLookup>(_ name: String, page model: Model, fragments: PageFragments? = nil) throws(Diagnostic) -> [UInt8] {
        guard names.contains(name) else { throw unknown(name) }
        if let template = compiled[name] { return template.render(model, partials: compiled, fragments: fragments) }
        return try render(name, model)
    }

    /// Whether `name` is rendered by the typed engine (tests).
    func isCompiled(_ name: String) -> Bool { compiled[name] != nil }
}

/// Several diagnostics thrown together.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
