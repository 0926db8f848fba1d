import Foundation

/// Small formatting helpers shared by the renderers. All deterministic: fixed time zone
/// (China Standard Time, UTC+8, where the users are), no locale lookups.
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

    /// `2014-11-02 10:05` in UTC+8.
    static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let rest = seconds - days * 86400
        let hour = rest / 3600, minute = (rest % 3600) / 60
        return "\(Day(ordinal: days)) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
    }

    /// `2014-11-02T10:05:00+08:00`
    static func isoTimestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let rest = seconds - days * 86400
        let h = rest / 3600, m = (rest % 3600) / 60, s = rest % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(Day(ordinal: days))T\(two(h)):\(two(m)):\(two(s))+08:00"
    }

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
