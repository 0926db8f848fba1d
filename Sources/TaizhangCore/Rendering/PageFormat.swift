import Foundation

/// Small formatting helpers shared by the renderers. All deterministic: fixed time zone
/// (`ChinaTime`), no locale lookups.
enum PageFormat {
    /// A relative link to a path inside the pack, percent-encoded per component.
    static func href(_ components: [String]) -> String {
        components.map { component in
            component.addingPercentEncoding(withAllowedCharacters: hrefAllowed) ?? component
        }.joined(separator: "/")
    }

    private static let hrefAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func timestamp(_ date: Date) -> String { ChinaTime.timestamp(date) }
    static func isoTimestamp(_ date: Date) -> String { ChinaTime.isoTimestamp(date) }

    /// `850 B`, `12 KB`, `3.4 MB`
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    static func percent(_ part: Int, of whole: Int) -> Int {
        whole == 0 ? 100 : part * 100 / whole
    }
}
