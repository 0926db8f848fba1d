import Foundation
import TaizhangDiagnostics
import TaizhangXML

/// Adds hints to schema errors: units in numbers (`points="15分"`), invented rule elements,
/// the nearest allowed value and the Chinese meaning of each for enumerations, and the
/// elements allowed where an element is not.
enum SchemaHints {
    /// `schemaFile` is read for the elements allowed where libxml2 does not list them.
    static func annotate(_ diagnostics: [Diagnostic], schemaFile: String? = nil) -> [Diagnostic] {
        var content: SchemaContent?
        return diagnostics.map { diagnostic in
            guard diagnostic.id == "xml.schema" else { return diagnostic }
            var annotated = diagnostic
            if let schemaFile, let hint = allowedElementsHint(diagnostic, content: &content, schemaFile: schemaFile) { annotated.notes.append(hint) }
            if let hint = numberHint(diagnostic.message) { annotated.notes.append(hint) }
            if let hint = ruleHint(diagnostic.message) { annotated.notes.append(hint) }
            annotated.notes += enumerationHints(diagnostic.message)
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

    /// `Element 'foo': This element is not expected.` without libxml2's `Expected is ( … )`:
    /// the elements the schema allows inside the parent, found by reading the file around it;
    /// `Element 'person': Element content is not allowed, because the content type is empty.`:
    /// that the element takes attributes only.
    private static func allowedElementsHint(_ diagnostic: Diagnostic, content: inout SchemaContent?, schemaFile: String) -> String? {
        guard let name = quoted(after: "Element '", in: diagnostic.message) else { return nil }
        if diagnostic.message.contains("Element content is not allowed, because the content type is empty") {
            if content == nil { content = SchemaContent(schemaFile: schemaFile) }
            guard content?.children[name]?.isEmpty == true else { return nil }
            return "<\(name)> holds no elements, only attributes"
        }
        guard diagnostic.message.contains("This element is not expected"), !diagnostic.message.contains("Expected is"),
            let location = diagnostic.location, location.line > 0,
            let bytes = try? Data(contentsOf: URL(fileURLWithPath: location.file))
        else { return nil }
        let local = { (name: String) in String(name.split(separator: ":").last ?? Substring(name)) }
        let candidates = XMLTextScanner(Array(bytes)).elements.filter { local($0.name) == name && $0.line == location.line }
        guard let element = candidates.first(where: { $0.column == location.column }) ?? candidates.first, let parent = element.parent.map(local)
        else { return nil }
        if content == nil { content = SchemaContent(schemaFile: schemaFile) }
        guard let allowed = content?.children[parent] else { return nil }
        return allowed.isEmpty
            ? "<\(parent)> holds no elements, only attributes"
            : "elements allowed inside <\(parent)>, in schema order: " + allowed.joined(separator: ", ")
    }

    /// What each value of the schema's enumerations means, by `element.attribute`.
    static let meanings: [String: [String: String]] = {
        var table: [String: [String: String]] = [
            "indicator.method": Dictionary(uniqueKeysWithValues: VerificationMethod.allCases.map { ($0.rawValue, $0.chinese) }),
            "document.period": Dictionary(
                uniqueKeysWithValues: [ExpectedDocument.Period.once, .monthly, .quarterly, .annual].map { ($0.rawValue, $0.chinese) }),
            "attribute.type": ["boolean": "是/否", "integer": "整数", "text": "文字"],
            "hint.match": ["any": "含其中任一词", "all": "含全部词", "exact": "与文件名完全相同", "regex": "正则表达式"],
            "group.role": ["check-team": "检查组，记录模拟检查结果"],
            "person.roles": ["preparation": "迎检准备组，可改全部条目", "first-escort": "第一陪调", "escort": "陪调人员"],
            "contingency.level": ["I": "Ⅰ级，最严重", "II": "Ⅱ级", "III": "Ⅲ级", "IV": "Ⅳ级，最轻"],
            "deductPerMissing.per": ["document": "每缺一份文件", "item": "每缺一项台账", "community": "每个未齐全的单位"],
            "rate.credit": ["per-point": "每低1个百分点扣分", "proportional": "按比例得分"],
        ]
        let levels = Dictionary(uniqueKeysWithValues: [Level.street, .community, .both].map { ($0.rawValue, $0.chinese) })
        table["indicator.level"] = levels
        table["item.level"] = levels
        return table
    }()

    /// `Element 'indicator', attribute 'method': [facet 'enumeration'] The value 'interview' is not
    /// an element of the set {'document-review', …}.`: the nearest allowed value, and what each means.
    private static func enumerationHints(_ message: String) -> [String] {
        guard message.contains("[facet 'enumeration']"), let element = quoted(after: "Element '", in: message),
            let attribute = quoted(after: "attribute '", in: message), let value = quoted(after: "The value '", in: message),
            let open = message.range(of: "{"), let close = message.range(of: "}", range: open.upperBound..<message.endIndex)
        else { return [] }
        let allowed = message[open.upperBound..<close.lowerBound].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        let meaning = meanings[element + "." + attribute] ?? [:]
        func described(_ value: String) -> String { meaning[value].map { "\(value) (\($0))" } ?? value }
        var notes: [String] = []
        let nearest = NearestNames.suggestions(for: value, among: allowed)
        if !nearest.isEmpty { notes.append("did you mean " + nearest.map(described).joined(separator: " or ") + "?") }
        if !meaning.isEmpty { notes.append("\(attribute) is one of: " + allowed.map(described).joined(separator: ", ")) }
        return notes
    }

    private static func quoted(after marker: String, in text: String) -> String? {
        guard let start = text.range(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }
}

/// For each element the schema declares, the child elements it may hold, in schema order
/// (groups, named types and extensions resolved; elements declared in several places merged).
struct SchemaContent {
    private(set) var children: [String: [String]] = [:]

    init(schemaFile: String) {
        guard let root = XMLDocument.parse(file: schemaFile).document?.root else { return }
        var table: [String: [String]] = [:]
        var groups: [String: XMLElement] = [:], types: [String: XMLElement] = [:]
        for child in root.children {
            if child.name == "group", let name = child.attribute("name") { groups[name] = child }
            if child.name == "complexType", let name = child.attribute("name") { types[name] = child }
        }
        func collect(_ node: XMLElement, into names: inout [String], depth: Int = 0) {
            guard depth < 32 else { return }
            for child in node.children {
                switch child.name {
                case "element":
                    if let name = child.attribute("name") ?? child.attribute("ref"), !names.contains(name) { names.append(name) }
                case "group":
                    if let ref = child.attribute("ref"), let group = groups[ref] { collect(group, into: &names, depth: depth + 1) }
                case "extension", "restriction":
                    if let base = child.attribute("base"), let type = types[base] { collect(type, into: &names, depth: depth + 1) }
                    collect(child, into: &names, depth: depth + 1)
                case "attribute", "attributeGroup", "annotation", "anyAttribute":
                    continue
                default:
                    collect(child, into: &names, depth: depth + 1)
                }
            }
        }
        func visit(_ node: XMLElement) {
            for child in node.children {
                if child.name == "element", let name = child.attribute("name") {
                    var names = table[name] ?? []
                    if let type = child.attribute("type"), let definition = types[type] { collect(definition, into: &names) }
                    collect(child, into: &names)
                    table[name] = names
                }
                visit(child)
            }
        }
        visit(root)
        children = table
    }
}
