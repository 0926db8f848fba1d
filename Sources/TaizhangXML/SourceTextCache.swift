import Foundation
import TaizhangDiagnostics

/// Reads source files lazily to turn libxml2's line-only node positions into line and column.
///
/// libxml2 records an element's line when its start tag is complete, so for a start tag spread
/// over several lines the reported line is the last one. We look back for the `<name`.
final class SourceTextCache {
    private var lines: [String: [Substring]] = [:]

    func lines(of file: String) -> [Substring] {
        if let cached = lines[file] { return cached }
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let split = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines[file] = split
        return split
    }

    func locateElement(_ name: String, endingAtLine line: Int, in file: String) -> SourceLocation {
        let all = lines(of: file)
        var current = min(line, all.count)
        let lowest = max(1, line - 200)
        while current >= lowest, current >= 1 {
            if let column = lastColumn(of: "<" + name, in: all[current - 1]) {
                return SourceLocation(file: file, line: current, column: column)
            }
            current -= 1
        }
        return SourceLocation(file: file, line: line, column: 1)
    }

    /// The position of `attribute="` within the element that starts at `start`.
    func locateAttribute(_ attribute: String, from start: SourceLocation) -> SourceLocation {
        let all = lines(of: start.file)
        guard start.line >= 1, start.line <= all.count else { return start }
        for lineNumber in start.line...min(all.count, start.line + 50) {
            let text = all[lineNumber - 1]
            let offset = lineNumber == start.line ? start.column - 1 : 0
            let tail = text.unicodeScalars.dropFirst(offset)
            let tailString = String(String.UnicodeScalarView(tail))
            if let column = firstAttributeColumn(attribute, in: tailString) {
                return SourceLocation(file: start.file, line: lineNumber, column: column + offset)
            }
            if lineNumber > start.line || offset < text.unicodeScalars.count {
                if tailString.contains(">") { break }
            }
        }
        return start
    }

    private func firstAttributeColumn(_ attribute: String, in text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        let needle = Array(attribute.unicodeScalars)
        guard scalars.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= scalars.count {
            if scalars[i] == ">" { return nil }
            if Array(scalars[i..<i + needle.count]) == needle,
                i == 0 || scalars[i - 1] == " " || scalars[i - 1] == "\t",
                i + needle.count < scalars.count,
                scalars[i + needle.count] == "=" || scalars[i + needle.count] == " "
            {
                return i + 1
            }
            i += 1
        }
        return nil
    }

    private func lastColumn(of needle: String, in text: Substring) -> Int? {
        let scalars = Array(text.unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        guard scalars.count >= pattern.count else { return nil }
        var found: Int?
        var i = 0
        while i + pattern.count <= scalars.count {
            if Array(scalars[i..<i + pattern.count]) == pattern {
                let next = i + pattern.count < scalars.count ? scalars[i + pattern.count] : " "
                if next == " " || next == ">" || next == "/" || next == "\t" || next == "\r" {
                    found = i + 1
                }
            }
            i += 1
        }
        return found
    }
}
