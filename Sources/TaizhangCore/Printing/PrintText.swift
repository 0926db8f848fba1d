/// What official printed pages may say: full unit names, and no working remarks.
public enum PrintText {
    /// `罗湖区 · 东湖街道 · 梧桐山社区` for a community, `罗湖区 · 东湖街道计生科` for the
    /// street's own section (its name already holds the street's); without a `district`, the
    /// district part is left out.
    public static func fullUnitName(street: Street, unit: UnitPlan, separator: String = " · ") -> String {
        let parts: [String?] =
            switch unit.kind {
            case .street: [street.district, unit.name]
            case .community: [street.district, street.name, unit.name]
            }
        return parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: separator)
    }

    /// Markers of working remarks that must never reach a filed page: where a figure came from
    /// (`（seed）`) or that a value is invented (`sample`).
    static let workingMarkers = ["seed", "sample", "示例值"]

    /// The note as an official page may print it: nil when it is a working remark.
    public static func officialNote(_ note: String?) -> String? {
        guard let note, !note.isEmpty else { return nil }
        let lower = note.lowercased()
        return workingMarkers.contains { lower.contains($0) } ? nil : note
    }
}
