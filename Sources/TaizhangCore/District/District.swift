import Foundation
import TaizhangDiagnostics
import TaizhangXML

/// A district (区) served by one `taizhang serve --district district.xml`: its streets, each a
/// workspace folder below the district file's folder, and the district people, who read every
/// street's progress and change nothing.
public struct District: Sendable {
    public var id: String
    public var name: String
    /// The district file, absolute.
    public var file: String
    public var streets: [StreetEntry]
    public var people: [DistrictPerson]

    /// The folder holding the district file (its `schema/`, `templates/` and `.taizhang/`).
    public var folder: String { (file as NSString).deletingLastPathComponent }

    public struct StreetEntry: Sendable {
        /// As written in the file.
        public var workspace: String
        /// Absolute, symbolic links resolved.
        public var root: String
        public var location: SourceLocation
    }

    public struct DistrictPerson: Sendable {
        public var id: String
        public var name: String
        public var title: String?
        public var location: SourceLocation
    }

    public func person(_ id: String) -> DistrictPerson? { people.first { $0.id == id } }

    /// The district's own SQLite file (accounts and sessions of the whole district) when the
    /// streets keep theirs in their workspaces.
    public var databasePath: String { folder + "/.taizhang/district.sqlite" }

    /// The key of the district's accounts and sessions on a shared PostgreSQL database. A
    /// street id cannot contain `:`, so it never meets a street's key.
    public var storeKey: String { "district:" + id }

    /// The district as a tracker workspace: its people, no catalogue. The district's
    /// `Tracker` holds their accounts and everybody's web sessions.
    public var accountsWorkspace: Workspace {
        let location = SourceLocation(file: file)
        // No statistical year: the district has no ledgers of its own.
        let day = ChinaTime.day(Date(timeIntervalSince1970: 0))
        let street = Street(
            id: storeKey, name: name, office: nil, section: nil, district: name, year: 0,
            periodStart: day, periodEnd: day, inspectionDate: day, folder: nil, attributeDefinitions: [], communities: [],
            people: visitors, groups: [], contingencies: [], location: location)
        return Workspace(root: folder, street: street, catalogue: Catalogue(name: nil, totalPoints: nil, categories: [], location: location), tasks: [])
    }

    /// The district people as persons of no group, community or team: every street's rules
    /// refuse them any change, and its pages name them.
    public var visitors: [Person] {
        people.map {
            var visitor = Person(id: $0.id, name: $0.name, role: $0.title ?? "区级", community: nil, roles: [], location: $0.location)
            visitor.isDistrictReader = true
            return visitor
        }
    }

    /// A street's workspace as the district serves it: its people plus the district people
    /// (read-only visitors), so that its pages can show them.
    public func serving(_ workspace: Workspace) -> Workspace {
        var workspace = workspace
        workspace.street.people += visitors
        return workspace
    }

    /// Problems between the district and its loaded streets: two streets with the same id and
    /// year (they would share one tracker on PostgreSQL), a district person whose id a street
    /// already uses.
    public func check(streets workspaces: [Workspace]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: [String: String] = [:]
        for (entry, workspace) in zip(streets, workspaces) {
            let key = "\(workspace.street.id)/\(workspace.street.year)"
            if let first = seen[key] {
                diagnostics.append(
                    .error(
                        "district.duplicate-street",
                        "street \"\(workspace.street.id)\" (\(workspace.street.year)) of \(entry.workspace) is already served from \(first); give each street its own id",
                        at: entry.location))
            } else {
                seen[key] = entry.workspace
            }
        }
        for person in people {
            for (entry, workspace) in zip(streets, workspaces) where workspace.street.person(person.id) != nil {
                diagnostics.append(
                    .error(
                        "district.person-clash",
                        "district person \"\(person.id)\" has the id of a person of \(workspace.street.name) (\(entry.workspace)); district and street people need different ids",
                        at: person.location))
            }
        }
        return diagnostics
    }
}

/// Reads and checks a district file: XSD validation through our libxml2 wrapper (`schema/district.xsd`
/// next to the file), then the streets' folders (relative, inside the district's folder after
/// symbolic links are resolved, holding `checklists/taizhang.xml`) and unique ids.
public struct DistrictLoader: Sendable {
    public let file: String
    public let schemaFile: String

    public static let schemaPath = "schema/district.xsd"

    public init(file: String, schemaFile: String? = nil) {
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
        self.file = absolute
        self.schemaFile = schemaFile ?? (absolute as NSString).deletingLastPathComponent + "/" + Self.schemaPath
    }

    public struct Result: Sendable {
        public var district: District?
        public var diagnostics: [Diagnostic]
    }

    public func load() -> Result {
        guard FileManager.default.fileExists(atPath: file) else {
            return Result(district: nil, diagnostics: [.error("district.missing", "no district file at \(file)")])
        }
        guard FileManager.default.fileExists(atPath: schemaFile) else {
            return Result(
                district: nil,
                diagnostics: [
                    .error(
                        "district.missing",
                        "\(Self.schemaPath) not found next to the district file; copy checklists/schema/district.xsd from the Taizhang repository")
                ])
        }
        let (schema, schemaDiagnostics) = XMLSchema.load(file: schemaFile)
        guard let schema else { return Result(district: nil, diagnostics: schemaDiagnostics) }
        let parsed = XMLDocument.parse(file: file)
        var diagnostics = parsed.diagnostics
        guard let document = parsed.document, let top = document.root else { return Result(district: nil, diagnostics: diagnostics) }
        if top.name != "district" {
            diagnostics.append(.error("district.wrong-root", "the root element of a district file must be <district>, not <\(top.name)>", at: top.location))
            return Result(district: nil, diagnostics: diagnostics)
        }
        diagnostics += SchemaHints.annotate(schema.validate(document), schemaFile: schemaFile)
        if diagnostics.hasErrors { return Result(district: nil, diagnostics: diagnostics) }
        let folder = (file as NSString).deletingLastPathComponent
        let base = realpath(folder, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        var streets: [District.StreetEntry] = []
        var roots: [String: String] = [:]
        for element in top.child(named: "streets")?.children(named: "street") ?? [] {
            let written = element.attribute("workspace") ?? ""
            let location = element.location(ofAttribute: "workspace")
            guard let root = Self.confined(written, in: folder, base: base) else {
                diagnostics.append(
                    .error("district.street-outside", "street folder \"\(written)\" leaves the district's folder; name a folder below it", at: location))
                continue
            }
            guard FileManager.default.fileExists(atPath: root + "/" + WorkspaceLoader.masterPath) else {
                diagnostics.append(
                    .error("district.street-missing", "no workspace at \"\(written)\": \(WorkspaceLoader.masterPath) not found there", at: location))
                continue
            }
            if let first = roots[root] {
                diagnostics.append(.error("district.duplicate-street", "street folder \"\(written)\" is already listed as \"\(first)\"", at: location))
                continue
            }
            roots[root] = written
            streets.append(District.StreetEntry(workspace: written, root: root, location: location))
        }
        var people: [District.DistrictPerson] = []
        for element in top.child(named: "people")?.children(named: "person") ?? [] {
            let id = element.attribute("id") ?? ""
            if people.contains(where: { $0.id == id }) {
                diagnostics.append(.error("district.duplicate-person", "district person \"\(id)\" is listed twice", at: element.location(ofAttribute: "id")))
                continue
            }
            people.append(.init(id: id, name: element.attribute("name") ?? id, title: element.attribute("title"), location: element.location))
        }
        let district = District(
            id: top.attribute("id") ?? "", name: top.attribute("name") ?? "", file: file, streets: streets, people: people)
        return Result(district: diagnostics.hasErrors ? nil : district, diagnostics: diagnostics)
    }

    /// The absolute folder a relative street path names, or nil when it is absolute, climbs
    /// out with `..`, or leaves the district's folder through a symbolic link.
    static func confined(_ written: String, in folder: String, base: String?) -> String? {
        guard !written.hasPrefix("/"), !written.split(separator: "/").contains(where: { $0 == ".." }), let base else { return nil }
        let joined = folder + "/" + written
        guard let pointer = realpath(joined, nil) else {
            // Not there: reported as missing by the caller, at its written place.
            return URL(fileURLWithPath: joined).standardizedFileURL.path
        }
        defer { free(pointer) }
        let resolved = String(cString: pointer)
        return resolved == base || resolved.hasPrefix(base + "/") ? resolved : nil
    }
}
