import Foundation
import Glibc
import TaizhangDiagnostics

/// Reads source files lazily to turn libxml2's line-only node positions into line and column.
///
/// libxml2 records an element's line when its start tag is complete, so for a start tag spread
/// over several lines the reported line is the last one. We look back for the `<name`.
///
/// Works on the file's UTF-8 bytes: every element and attribute the model keeps asks for its
/// position, so this ran tens of thousands of times per `validate` and, done on arrays of
/// Unicode scalars, took most of its time. Columns still count Unicode scalars (1-based).
/// A needle that is valid UTF-8 and starts with an ASCII byte can only match valid UTF-8 text at
/// a scalar boundary, and the neighbours it is checked against are ASCII, so byte comparisons
/// give the same answers as scalar ones.
final class SourceTextCache {
    /// One file: its bytes (empty if unreadable or not UTF-8) and where each line starts.
    struct Text {
        var bytes: [UInt8]
        var lineStarts: [Int]

        init(bytes: [UInt8]) {
            self.bytes = bytes
            lineStarts = [0]
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { lineStarts.append(index + 1) }
        }

        var lineCount: Int { lineStarts.count }

        /// The byte range of 1-based line `n`, without its line feed.
        func line(_ n: Int) -> Range<Int> {
            let start = lineStarts[n - 1]
            return start..<(n < lineStarts.count ? lineStarts[n] - 1 : bytes.count)
        }

        /// Unicode scalars in `range` (UTF-8 continuation bytes do not start one).
        func scalarCount(_ range: Range<Int>) -> Int {
            bytes.withUnsafeBufferPointer { buffer in
                var count = 0
                for index in range where buffer[index] & 0xC0 != 0x80 { count += 1 }
                return count
            }
        }

        /// The byte index of the `n`-th scalar of `range` (its end if there are fewer).
        func byteIndex(ofScalar n: Int, in range: Range<Int>) -> Int {
            var seen = 0
            for index in range where bytes[index] & 0xC0 != 0x80 {
                if seen == n { return index }
                seen += 1
            }
            return range.upperBound
        }
    }

    private var texts: [String: Text] = [:]
    /// The file asked for last: positions come in long runs from one file, and comparing the
    /// path with the previous one is cheaper than hashing it.
    private var last: (file: String, text: Text)?

    func text(of file: String) -> Text {
        if let last, last.file == file { return last.text }
        let text = cachedOrRead(file)
        last = (file, text)
        return text
    }

    private func cachedOrRead(_ file: String) -> Text {
        if let cached = texts[file] { return cached }
        var bytes = (try? Self.read(file)) ?? []
        if !Self.isValidUTF8(bytes) { bytes = [] }
        let text = Text(bytes: bytes)
        texts[file] = text
        return text
    }

    /// Why a file's bytes were not read.
    enum ReadError: Error {
        case missing
        case folder
        /// A FIFO, socket or device: reading it could wait forever.
        case notRegular
        /// Larger than the limit: its size, or nil when it grew past the limit while being read.
        case tooLarge(size: Int?)
        /// The failed call's `errno`.
        case system(Int32)
    }

    /// A regular file's bytes, opened and sized once. A file larger than `limit` is refused
    /// before it is read, and one that grows past it while being read is refused once
    /// `limit` + 1 bytes are in, without being read whole.
    static func read(_ file: String, limit: Int = XMLDocument.maximumFileSize) throws(ReadError) -> [UInt8] {
        // Non-blocking, so that a FIFO is refused below, not waited on.
        let descriptor = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw errno == ENOENT || errno == ENOTDIR ? .missing : .system(errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .folder
        default: throw .notRegular
        }
        guard Int(info.st_size) <= limit else { throw .tooLarge(size: Int(info.st_size)) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { throw .tooLarge(size: nil) }
                bytes.append(contentsOf: repeatElement(0, count: min(count, limit + 1 - count)))  // it grew: read on
            }
            let got = bytes.withUnsafeMutableBytes { buffer in Glibc.read(descriptor, buffer.baseAddress.map { $0 + count }, buffer.count - count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw .system(errno) }
            if got == 0 { break }
            count += got
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// Records the text of `file` read elsewhere (by the parser's UTF-8 check), so it is not
    /// read again: `bytes` as read, or empty when they are not UTF-8.
    func add(file: String, bytes: [UInt8]) {
        if texts[file] == nil { texts[file] = Text(bytes: bytes) }
    }

    /// Takes over the texts another document's cache holds (an included file's).
    func adopt(_ other: SourceTextCache) {
        texts.merge(other.texts) { mine, _ in mine }
    }

    /// Where the start tag `pattern` (the bytes of `<name` or `<prefix:name`) that libxml2 saw
    /// end at `line` begins.
    func locateElement(_ pattern: [UInt8], endingAtLine line: Int, in file: String) -> SourceLocation {
        let text = text(of: file)
        var current = min(line, text.lineCount)
        let lowest = max(1, line - 200)
        while current >= lowest, current >= 1 {
            if let column = lastColumn(of: pattern, in: text, line: current) {
                return SourceLocation(file: file, line: current, column: column)
            }
            current -= 1
        }
        return SourceLocation(file: file, line: line, column: 1)
    }

    /// The position of `attribute="` within the element that starts at `start`.
    func locateAttribute(_ attribute: String, from start: SourceLocation) -> SourceLocation {
        let text = text(of: start.file)
        guard start.line >= 1, start.line <= text.lineCount else { return start }
        let needle = Array(attribute.utf8)
        for lineNumber in start.line...min(text.lineCount, start.line + 50) {
            let range = text.line(lineNumber)
            let offset = lineNumber == start.line ? start.column - 1 : 0
            let tail = text.byteIndex(ofScalar: max(offset, 0), in: range)..<range.upperBound
            if let column = firstAttributeColumn(needle, in: text, tail) {
                return SourceLocation(file: start.file, line: lineNumber, column: column + offset)
            }
            if lineNumber > start.line || offset < text.scalarCount(range) {
                if text.bytes[tail].contains(UInt8(ascii: ">")) { break }
            }
        }
        return start
    }

    /// The 1-based scalar column, within `tail`, of the first `attribute` that is preceded by
    /// the tail's start, a space or a tab and followed by `=` or a space, before any `>`.
    /// Runs for every attribute position asked for: reads the bytes through a buffer pointer
    /// (no per-byte bounds checks or array copies).
    private func firstAttributeColumn(_ needle: [UInt8], in text: Text, _ tail: Range<Int>) -> Int? {
        guard tail.count >= needle.count, let first = needle.first else { return nil }
        let found: Int? = text.bytes.withUnsafeBufferPointer { bytes in
            needle.withUnsafeBufferPointer { needle in
                var index = tail.lowerBound
                while index + needle.count <= tail.upperBound {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: ">") { return nil }
                    if byte == first, Self.matches(needle, in: bytes, at: index),
                        index == tail.lowerBound || bytes[index - 1] == UInt8(ascii: " ") || bytes[index - 1] == UInt8(ascii: "\t"),
                        index + needle.count < tail.upperBound,
                        bytes[index + needle.count] == UInt8(ascii: "=") || bytes[index + needle.count] == UInt8(ascii: " ")
                    {
                        return index
                    }
                    index += 1
                }
                return nil
            }
        }
        return found.map { text.scalarCount(tail.lowerBound..<$0) + 1 }
    }

    /// The 1-based scalar column of the last `<name` on the line that ends there or is
    /// followed by a space, `>`, `/`, a tab or a carriage return.
    private func lastColumn(of pattern: [UInt8], in text: Text, line: Int) -> Int? {
        let range = text.line(line)
        let found: Int? = text.bytes.withUnsafeBufferPointer { bytes in
            pattern.withUnsafeBufferPointer { pattern in
                var index = range.upperBound - pattern.count
                while index >= range.lowerBound {
                    // Every pattern starts with "<": most positions fail on their first byte.
                    if bytes[index] == UInt8(ascii: "<"), Self.matches(pattern, in: bytes, at: index) {
                        let end = index + pattern.count
                        let next = end < range.upperBound ? bytes[end] : UInt8(ascii: " ")
                        if next == UInt8(ascii: " ") || next == UInt8(ascii: ">") || next == UInt8(ascii: "/")
                            || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
                        {
                            return index
                        }
                    }
                    index -= 1
                }
                return nil
            }
        }
        return found.map { text.scalarCount(range.lowerBound..<$0) + 1 }
    }

    /// Whether `needle` is at `index` of `bytes`; the caller has checked that it fits.
    private static func matches(_ needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        for offset in 0..<needle.count where bytes[index + offset] != needle[offset] { return false }
        return true
    }
}
