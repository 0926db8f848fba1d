import TaizhangDiagnostics

/// Adds a hint to schema errors people commonly make when writing scoring rules: units in
/// numbers (`points="15分"`) and invented rule elements.
enum SchemaHints {
    static func annotate(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.map { diagnostic in
            guard diagnostic.id == "xml.schema" else { return diagnostic }
            var annotated = diagnostic
            if let hint = numberHint(diagnostic.message) { annotated.notes.append(hint) }
            if let hint = ruleHint(diagnostic.message) { annotated.notes.append(hint) }
            return annotated
        }
    }

    static let numberAttributes = ["points", "totalPoints", "amount", "target", "deductPerPoint", "max"]

    /// `Element 'indicator', attribute 'points': '15分' is not a valid value of …`
    private static func numberHint(_ message: String) -> String? {
        guard let attribute = quoted(after: "attribute '", in: message), numberAttributes.contains(attribute),
            let value = quoted(after: "': '", in: message)
        else { return nil }
        let number = String(value.filter { $0.isASCII && ($0.isNumber || $0 == ".") })
        guard Decimal2(number) != nil, !number.isEmpty, number != value else {
            return "\(attribute) is a plain number with at most two decimals, e.g. \(attribute)=\"2.5\""
        }
        return "write \(number): \(attribute)=\"\(number)\" (a plain number, without units such as 分 or %)"
    }

    /// `Element 'penalty': This element is not expected. Expected is one of ( deductPerMissing, … ).`
    private static func ruleHint(_ message: String) -> String? {
        guard message.contains("This element is not expected"), message.contains("deductPerMissing") else { return nil }
        return "the scoring rule kinds are: deductPerMissing (每缺一份/一项/一个社区扣分), deductPerCase (每例扣分), "
            + "rate (比率达标，每低1个百分点扣分或按比例), threshold (达标得满分，否则不得分), bonus (加分，有上限), "
            + "cap (最多扣分 / 可扣至负分); 一票否决 is the indicator's veto=\"true\""
    }

    private static func quoted(after marker: String, in text: String) -> String? {
        guard let start = text.range(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }
}
