/// Finds the attribute values, comments and text of an XML file in its bytes, without
/// building a tree, so that an edit can replace one attribute value and keep every other byte
/// (comments, spacing, line breaks, entity references) as the user wrote it.
///
/// Meant for files that have already been parsed (and so are well-formed); on anything else
/// it stops early instead of failing.
struct XMLTextScanner {
    struct Attribute {
        var element: String
        var name: String
        var value: String
        /// The value's bytes, without the quotes.
        var range: Range<Int>
        var line: Int
        var column: Int
    }

    /// A comment or a run of character data, with the position where it starts.
    struct Run {
        var text: String
        var line: Int
        var column: Int
    }

    /// A start tag: its name, where it starts (at `<`) and the element it is in.
    struct Element {
        var name: String
        var line: Int
        var column: Int
        var parent: String?
    }

    private(set) var attributes: [Attribute] = []
    private(set) var elements: [Element] = []
    /// The elements open at the current position while scanning.
    private var open: [String] = []
    private(set) var comments: [Run] = []
    private(set) var texts: [Run] = []

    private let bytes: [UInt8]
    /// Byte offsets where each line starts.
    private var lineStarts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { lineStarts.append(offset + 1) }
        scan()
    }

    /// 1-based line and column (in characters) of a byte offset.
    func position(_ offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let characters = bytes[lineStarts[low]..<offset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return (low + 1, characters + 1)
    }

    private func starts(_ marker: String, at offset: Int) -> Bool {
        let utf8 = Array(marker.utf8)
        return offset + utf8.count <= bytes.count && Array(bytes[offset..<offset + utf8.count]) == utf8
    }

    private func find(_ marker: String, from offset: Int) -> Int? {
        var index = offset
        while index < bytes.count {
            if starts(marker, at: index) { return index }
            index += 1
        }
        return nil
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private mutating func run(_ range: Range<Int>, into keyPath: WritableKeyPath<XMLTextScanner, [Run]>) {
        let (line, column) = position(range.lowerBound)
        self[keyPath: keyPath].append(Run(text: text(range), line: line, column: column))
    }

    private mutating func scan() {
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                let end = find("<", from: index) ?? bytes.count
                if bytes[index..<end].contains(where: { !Self.isSpace($0) }) { run(index..<end, into: \.texts) }
                index = end
                continue
            }
            if starts("<!--", at: index) {
                guard let end = find("-->", from: index + 4) else { return }
                run(index + 4..<end, into: \.comments)
                index = end + 3
            } else if starts("<![CDATA[", at: index) {
                guard let end = find("]]>", from: index + 9) else { return }
                run(index + 9..<end, into: \.texts)
                index = end + 3
            } else if starts("<?", at: index) {
                guard let end = find("?>", from: index + 2) else { return }
                index = end + 2
            } else if starts("<!", at: index) || starts("</", at: index) {
                guard let end = find(">", from: index + 2) else { return }
                if bytes[index + 1] == UInt8(ascii: "/"), !open.isEmpty { open.removeLast() }
                index = end + 1
            } else {
                guard let end = startTag(at: index + 1) else { return }
                index = end
            }
        }
    }

    /// Reads a start tag from just after `<`; returns the offset after its `>`.
    private mutating func startTag(at offset: Int) -> Int? {
        var index = offset
        while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: ">") { index += 1 }
        let element = text(offset..<index)
        let (line, column) = position(offset - 1)
        elements.append(Element(name: element, line: line, column: column, parent: open.last))
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isSpace(byte) || byte == UInt8(ascii: "/") {
                index += 1
            } else if byte == UInt8(ascii: ">") {
                if bytes[index - 1] != UInt8(ascii: "/") { open.append(element) }
                return index + 1
            } else {
                let nameStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "="), !Self.isSpace(bytes[index]) { index += 1 }
                let name = text(nameStart..<index)
                while index < bytes.count, Self.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "=") { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return nil }
                let quote = bytes[index]
                let valueStart = index + 1
                guard let valueEnd = bytes[valueStart...].firstIndex(of: quote) else { return nil }
                let (line, column) = position(nameStart)
                attributes.append(
                    Attribute(element: element, name: name, value: text(valueStart..<valueEnd), range: valueStart..<valueEnd, line: line, column: column))
                index = valueEnd + 1
            }
        }
        return nil
    }
}
