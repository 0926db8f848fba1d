import Foundation

/// The files Taizhang ships beside its code: the example workspace (`checklists/`,
/// `walkthrough/`), the schema (`checklists/schema/`) and the page templates (`templates/`).
/// `taizhang init` copies them into a new workspace.
///
/// They are found from the running executable, not from the current folder: a build lives in
/// `<checkout>/.build/<configuration>/taizhang`, so the checkout is one of its parent folders;
/// an installed binary finds them in `<prefix>/share/taizhang/` beside `<prefix>/bin/`.
public struct ShippedFiles: Sendable {
    /// The folder holding `checklists/` and `templates/`.
    public let root: String

    /// What a folder must hold to be the shipped files.
    static let markers = ["checklists/taizhang.xml", "checklists/schema/taizhang.xsd", "templates/style.mustache"]

    /// The shipped files in `root`, or nil when it does not hold them.
    public init?(root: String) {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        guard Self.markers.allSatisfy({ FileManager.default.fileExists(atPath: absolute + "/" + $0) }) else { return nil }
        self.root = absolute
    }

    /// Looks up the folders of `executable` (symbolic links resolved) and their `share/taizhang`.
    public static func locate(executable: String) -> ShippedFiles? {
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            if let found = ShippedFiles(root: folder.path) ?? ShippedFiles(root: folder.path + "/share/taizhang") { return found }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return nil
    }

    /// The running executable: `/proc/self/exe` on Linux, else the first argument.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Every regular file under `folder` (relative to `root`), sorted; hidden files, symbolic
    /// links and anything else are left out.
    func files(under folder: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relative)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = relative + "/" + name
                guard let type = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)[.type] as? FileAttributeType else { continue }
                if type == .typeDirectory {
                    walk(path)
                } else if type == .typeRegular {
                    found.append(path)
                }
            }
        }
        walk(folder)
        return found
    }
}
