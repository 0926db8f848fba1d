import Foundation

/// A user's document found in an item folder.
public struct UserFile: Sendable, Equatable {
    /// Relative to the item folder (files in sub-folders count too).
    public var name: String
    public var size: Int
    public var modified: Date
}

/// Lists what users put into a pack. Generated files, temporary files and the manifest are
/// not the user's and are skipped.
public struct FileInventory: Sendable {
    public static func isGenerated(_ name: String) -> Bool {
        name == GeneratedName.itemSheet || name == GeneratedName.cover || name == GeneratedName.binderCatalogue
            || name == GeneratedName.index || name == GeneratedName.indexXML || name == GeneratedName.spineLabels
            || name == GeneratedName.manifest
    }

    /// Hidden, temporary and system files that are never documents.
    public static func isNoise(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~$") || name == "Thumbs.db" || name == "desktop.ini"
    }

    /// The user's files in `folder`, recursively, sorted by name. Missing folder: none.
    public static func userFiles(in folder: String) -> [UserFile] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: URL(fileURLWithPath: folder),
                                         includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey],
                                         options: []) else { return [] }
        var files: [UserFile] = []
        let prefix = URL(fileURLWithPath: folder).standardizedFileURL.path + "/"
        for case let url as URL in walker {
            let name = url.lastPathComponent
            if isNoise(name) {
                walker.skipDescendants()
                continue
            }
            guard let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]),
                  values.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : name
            if !relative.contains("/") && isGenerated(name) { continue }
            files.append(UserFile(name: relative, size: values.fileSize ?? 0, modified: values.contentModificationDate ?? Date(timeIntervalSince1970: 0)))
        }
        return files.sorted { $0.name < $1.name }
    }

    /// Folders and files directly in `folder` that the plan does not expect and that hold
    /// something of the user's: what is left when an item or binder leaves the catalogue.
    public static func orphans(in folder: String, expected: Set<String>) -> [(name: String, files: Int)] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return [] }
        var result: [(String, Int)] = []
        for name in names.sorted() where !expected.contains(name) && !isNoise(name) && !isGenerated(name) {
            var isDirectory: ObjCBool = false
            fm.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
            guard isDirectory.boolValue else { continue }
            let count = userFiles(in: folder + "/" + name).count
            if count > 0 { result.append((name, count)) }
        }
        return result
    }
}
