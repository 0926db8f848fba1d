import Foundation

/// A `multipart/form-data` body (RFC 7578), parsed from a spooled file that is mapped, not
/// read into memory. Only what browsers send is accepted: a boundary of 1–70 characters,
/// CRLF line ends, `Content-Disposition: form-data` with a quoted `name` and `filename`.
struct Multipart {
    struct Part: Sendable {
        var name: String
        /// The name the browser gave the file; nil for a plain field.
        var filename: String?
        /// Where the part's content is in the body.
        var range: Range<Int>
    }

    struct Malformed: Error {}

    static let maximumParts = 200
    static let maximumHeaderBytes = 16 * 1024

    let data: Data
    let parts: [Part]

    /// The boundary of a `multipart/form-data` content type, or nil when it is not one.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) && !value.contains("\"") ? value : nil
        }
        return nil
    }

    init(data: Data, boundary: String) throws(Malformed) {
        self.data = data
        let delimiter = Data(("--" + boundary).utf8)
        let next = Data(("\r\n--" + boundary).utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        guard let first = data.range(of: delimiter) else { throw Malformed() }
        var position = first.upperBound
        var parts: [Part] = []
        while true {
            guard position + 2 <= data.count else { throw Malformed() }
            if data[position] == UInt8(ascii: "-"), data[position + 1] == UInt8(ascii: "-") { break }
            guard data[position] == UInt8(ascii: "\r"), data[position + 1] == UInt8(ascii: "\n") else { throw Malformed() }
            position += 2
            guard let end = data.range(of: headerEnd, in: position..<min(data.count, position + Self.maximumHeaderBytes)) else { throw Malformed() }
            let headers = String(decoding: data[position..<end.lowerBound], as: UTF8.self)
            guard let close = data.range(of: next, in: end.upperBound..<data.count) else { throw Malformed() }
            guard let disposition = headers.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                let name = Self.parameter("name", in: disposition)
            else { throw Malformed() }
            parts.append(Part(name: name, filename: Self.parameter("filename", in: disposition), range: end.upperBound..<close.lowerBound))
            guard parts.count <= Self.maximumParts else { throw Malformed() }
            position = close.upperBound
        }
        self.parts = parts
    }

    /// A quoted parameter of a header line (`name="…"`), matched as a whole word.
    static func parameter(_ key: String, in line: String) -> String? {
        var search = line.startIndex..<line.endIndex
        while let found = line.range(of: key + "=\"", options: .caseInsensitive, range: search) {
            let before = found.lowerBound == line.startIndex ? nil : line[line.index(before: found.lowerBound)]
            if before == " " || before == ";" || before == "\t" {
                guard let end = line[found.upperBound...].firstIndex(of: "\"") else { return nil }
                return String(line[found.upperBound..<end])
            }
            search = found.upperBound..<line.endIndex
        }
        return nil
    }

    /// A plain field's text (the first with that name).
    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: data[$0.range], as: UTF8.self) }
    }

    /// The parts that carry a file (a file input left empty sends an empty name: skipped).
    var files: [Part] { parts.filter { !($0.filename ?? "").isEmpty } }
}
