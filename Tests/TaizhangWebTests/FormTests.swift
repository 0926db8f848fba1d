import Foundation
import Testing

@testable import TaizhangWeb

/// Form fields are decoded on bytes (every tick parses one); the result must be what
/// Foundation's `removingPercentEncoding` gave after `+` became a space, malformed fields
/// included.
@Suite struct FormTests {
    static let fields = [
        "plain", "a+b", "%E5%B7%B2%E7%A1%AE%E8%AE%A4", "unit%3Dc0001%26all%3D1", "100%25", "%2B1", "%e5%b7%b2",
        "50%", "%zz", "%E5%B7", "%FF%FE", "已确认+备注", "", "%",
    ]

    @Test(arguments: fields) func aFieldDecodesAsFoundationDecodedIt(_ field: String) {
        let expected = field.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? field
        #expect(Form.decode(Substring(field)) == expected)
    }

    /// `text` trims as Foundation's `.whitespacesAndNewlines` did: every white space and line
    /// break of Unicode (and U+200B) at either end, nothing inside, combining marks kept.
    @Test func aFieldIsTrimmedAsFoundationTrimmedIt() {
        let spaces = [
            "\u{09}", "\u{0A}", "\u{0B}", "\u{0C}", "\u{0D}", " ", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}", "\u{200A}",
            "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}",
        ]
        let others = ["\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{180E}", "\u{301}", "x", "已确认", "\u{1F600}"]
        var values = ["", "plain", " a b ", "\r\n备注\r\n", " \u{301}x", "x \u{301}", "\u{3000}\u{3000}"]
        for a in spaces + others { for b in spaces + others { values += [a + "x" + b, a + b, a, "y" + a + b + "z"] } }
        for value in values {
            #expect(Form.trimmed(value) == value.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(value.unicodeScalars))")
        }
    }

    @Test func aFormKeepsFirstValuesAndEveryValueInOrder() throws {
        let form = try Form.parse("csrf=t%2Bk&pick=c1%2F01.01&pick=c1%2F01.02&note=%E5%B7%B2+ok")
        #expect(form["csrf"] == "t+k")
        #expect(form.values("pick") == ["c1/01.01", "c1/01.02"])
        #expect(form.text("note") == "已 ok")
    }
}
