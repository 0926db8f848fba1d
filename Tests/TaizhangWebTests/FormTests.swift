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

    @Test func aFormKeepsFirstValuesAndEveryValueInOrder() throws {
        let form = try Form.parse("csrf=t%2Bk&pick=c1%2F01.01&pick=c1%2F01.02&note=%E5%B7%B2+ok")
        #expect(form["csrf"] == "t+k")
        #expect(form.values("pick") == ["c1/01.01", "c1/01.02"])
        #expect(form.text("note") == "已 ok")
    }
}
