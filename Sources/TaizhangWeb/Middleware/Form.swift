import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, with every field length capped.
public struct Form: Sendable {
    /// The first value of each field.
    var fields: [String: String]
    /// Every value of each field, in order (check boxes of a bulk change).
    var lists: [String: [String]] = [:]

    /// The longest value each field may have, in characters; any other field gets `otherField`.
    static let limits: [String: Int] = [
        "csrf": 128, "person": 64, "password": 256, "unit": 64, "item": 64, "task": 64, "status": 32, "note": 500,
        "pick": 140, "return": 512,
    ]
    static let otherField = 256
    /// Enough for a bulk change of every item of a unit (`pick` once per item).
    static let maximumFields = 1_000
    /// The whole body.
    static let maximumBytes = 64 * 1024

    /// A field over its cap, or too many fields: the request answers 400.
    public struct TooLong: Error, Sendable {
        public var field: String
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// Every value of a field, in the order sent.
    func values(_ name: String) -> [String] { lists[name] ?? [] }

    /// Trimmed, nil when empty.
    func text(_ name: String) -> String? {
        guard let value = fields[name].map(Self.trimmed), !value.isEmpty else { return nil }
        return value
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)` without Foundation's character sets
    /// (a tick reads four fields): that set is Unicode's White_Space property plus U+200B
    /// (zero width space), scalar by scalar; a value with none at either end is returned as it is.
    static func trimmed(_ value: String) -> String {
        let scalars = value.unicodeScalars
        func kept(_ scalar: Unicode.Scalar) -> Bool { !scalar.properties.isWhitespace && scalar != "\u{200B}" }
        guard let start = scalars.firstIndex(where: kept) else { return "" }
        guard let last = scalars.lastIndex(where: kept) else { return "" }
        if start == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return value }
        return String(scalars[start...last])
    }

    static func parse(_ body: String) throws(TooLong) -> Form {
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        let pairs = body.split(separator: "&")
        guard pairs.count <= maximumFields else { throw TooLong(field: "(\(pairs.count) fields)") }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            // A string has at most as many characters as UTF-8 bytes: count them only when needed.
            guard key.utf8.count <= otherField || key.count <= otherField else { throw TooLong(field: String(key.prefix(32))) }
            let limit = limits[key] ?? otherField
            guard value.utf8.count <= limit || value.count <= limit else { throw TooLong(field: key) }
            if fields[key] == nil { fields[key] = value }
            lists[key, default: []].append(value)
        }
        return Form(fields: fields, lists: lists)
    }

    /// `+` as a space, then `%XX` as bytes, on the UTF-8 bytes (every tick parses a form); a
    /// malformed escape or bytes that are not UTF-8 leave the field as sent, as Foundation's
    /// `removingPercentEncoding` did.
    static func decode(_ field: Substring) -> String {
        var field = field
        return field.withUTF8 { bytes -> String in
            if !bytes.contains(where: { $0 == 0x2B || $0 == 0x25 }) { return String(decoding: bytes, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x25 {
                    guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                        return String(decoding: bytes, as: UTF8.self)
                    }
                    out.append(high << 4 | low)
                    index += 3
                } else {
                    out.append(byte == 0x2B ? 0x20 : byte)
                    index += 1
                }
            }
            return String(validating: out, as: UTF8.self) ?? String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    static func read(_ request: Request) async throws -> Form {
        let buffer = try await request.body.collect(upTo: maximumBytes)
        return try parse(String(buffer: buffer))
    }
}
