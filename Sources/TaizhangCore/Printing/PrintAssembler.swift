/// Joins rendered pages into one HTML document for one PDF: each page's `<style>` blocks once
/// (in order of first use), each page's body in its own block that starts a new sheet.
///
/// The page templates stay whole, user-editable documents; this reads them as a browser would
/// not need to (no parser): the `<style>` elements before `<body>` and what lies between
/// `<body…>` and `</body>`. A page without a `<body>` tag is taken whole as its body.
public enum PrintAssembler {
    public static func combine(_ pages: [[UInt8]], title: String) -> [UInt8] {
        var styles: [String] = []
        var bodies: [String] = []
        for page in pages {
            let html = String(decoding: page, as: UTF8.self)
            let (head, body) = split(html)
            for style in styleBlocks(head) where !styles.contains(style) { styles.append(style) }
            bodies.append(String(body))
        }
        var out = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>\(escape(title))</title>\n"
        out += styles.joined(separator: "\n")
        out += "\n<style>\n  .print-page + .print-page { break-before: page; page-break-before: always; }\n</style>\n</head>\n<body>\n"
        for body in bodies { out += "<div class=\"print-page\">\n" + body + "\n</div>\n" }
        out += "</body>\n</html>\n"
        return Array(out.utf8)
    }

    /// (everything before the body, the body's content).
    static func split(_ html: String) -> (head: Substring, body: Substring) {
        guard let open = html.range(of: "<body"), let close = html[open.upperBound...].firstIndex(of: ">") else {
            return (html[html.startIndex..<html.startIndex], html[...])
        }
        let start = html.index(after: close)
        let end = html.range(of: "</body>", options: .backwards, range: start..<html.endIndex)?.lowerBound ?? html.endIndex
        return (html[..<open.lowerBound], html[start..<end])
    }

    static func styleBlocks(_ head: Substring) -> [String] {
        var blocks: [String] = []
        var rest = head[...]
        while let open = rest.range(of: "<style"), let close = rest[open.lowerBound...].range(of: "</style>") {
            blocks.append(String(rest[open.lowerBound..<close.upperBound]))
            rest = rest[close.upperBound...]
        }
        return blocks
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
