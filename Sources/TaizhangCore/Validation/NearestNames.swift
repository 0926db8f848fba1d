/// The known names closest to an unknown one, for "did you mean …?" in diagnostics.
public enum NearestNames {
    /// At most `limit` known names closest to `name`, only when they are close: an edit distance
    /// (insert, delete, replace, swap two neighbours) of 1 for names up to 4 characters, 2 up to
    /// 8, 3 beyond; letter case, `-`, `_` and spaces count for nothing (`g-2` → `g2`). Only the
    /// closest are kept, and none when more than `limit` are equally close (that would be a
    /// list, not a hint).
    public static func suggestions(for name: String, among known: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = normalized(name)
        let allowed = name.count <= 4 ? 1 : name.count <= 8 ? 2 : 3
        var best = Int.max
        var closest: [String] = []
        for candidate in Set(known) where candidate != name {
            let other = normalized(candidate)
            let distance = other == target ? 0 : editDistance(Array(target), Array(other))
            guard distance <= allowed else { continue }
            if distance < best {
                best = distance
                closest = [candidate]
            } else if distance == best {
                closest.append(candidate)
            }
        }
        return closest.count <= limit ? closest.sorted() : []
    }

    /// `; did you mean "g2"?`, `; did you mean "g1" or "g2"?`, or "" when nothing is close.
    public static func didYouMean(_ name: String, among known: some Sequence<String>) -> String {
        let found = suggestions(for: name, among: known).map { "\"\($0)\"" }
        guard let last = found.last else { return "" }
        let list = found.count == 1 ? last : found.dropLast().joined(separator: ", ") + " or " + last
        return "; did you mean \(list)?"
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
    }

    /// Optimal string alignment distance.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
