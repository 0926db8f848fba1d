import Foundation

/// What a test (or a curious user) wants to know of a PDF without a PDF library: how many
/// pages, and their size. Reads the uncompressed page dictionaries (`/Type /Page`,
/// `/MediaBox [0 0 w h]`) as Chromium writes them; a PDF keeping them in compressed object
/// streams reads as 0 pages.
public struct PDFInfo: Sendable, Equatable {
    /// Page sizes in points (1/72 inch), in file order.
    public var pages: [(width: Double, height: Double)]

    public static func == (a: PDFInfo, b: PDFInfo) -> Bool {
        a.pages.count == b.pages.count && zip(a.pages, b.pages).allSatisfy { $0.width == $1.width && $0.height == $1.height }
    }

    public init(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        var pages: [(Double, Double)] = []
        var rest = text[...]
        while let range = rest.range(of: "/Type /Page") ?? rest.range(of: "/Type/Page") {
            rest = rest[range.upperBound...]
            // `/Type /Pages` is the page tree, not a page.
            if rest.first == "s" { continue }
            // The page's own dictionary: up to its closing `>>` at depth 0 is enough for /MediaBox.
            let window = rest.prefix(2000)
            let before = text[text.index(range.lowerBound, offsetBy: -min(2000, text.distance(from: text.startIndex, to: range.lowerBound)))..<range.lowerBound]
            pages.append(Self.mediaBox(in: window) ?? Self.mediaBox(in: before) ?? (0, 0))
        }
        self.pages = pages
    }

    /// Whether every page is A4 (595 × 842 pt, within a point).
    public var isA4: Bool {
        !pages.isEmpty && pages.allSatisfy { abs($0.width - 595.28) < 1.5 && abs($0.height - 841.89) < 1.5 }
    }

    static func mediaBox(in text: Substring) -> (Double, Double)? {
        guard let start = text.range(of: "/MediaBox"), let open = text[start.upperBound...].firstIndex(of: "["),
            let close = text[open...].firstIndex(of: "]")
        else { return nil }
        let numbers = text[text.index(after: open)..<close].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" }).compactMap { Double($0) }
        guard numbers.count == 4 else { return nil }
        return (numbers[2] - numbers[0], numbers[3] - numbers[1])
    }
}
