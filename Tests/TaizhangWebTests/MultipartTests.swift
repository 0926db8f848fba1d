import Foundation
import Testing

@testable import TaizhangWeb

/// The upload body parser: what browsers send is read, anything malformed is refused whole.
@Suite struct MultipartTests {
    static func body(_ text: String) -> Data { Data(text.utf8) }

    @Test func theBoundaryIsReadFromTheContentTypeQuotedOrNot() {
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(Multipart.boundary(contentType: "Multipart/Form-Data;boundary=\"a b;c\"") == nil)  // split at ';' inside quotes: refused
        #expect(Multipart.boundary(contentType: "multipart/form-data; charset=utf-8; boundary=\"xyz\"") == "xyz")
        #expect(Multipart.boundary(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(Multipart.boundary(contentType: "multipart/form-data") == nil)
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
    }

    @Test func fieldsAndFilesAreFoundByWholeParameterNames() throws {
        let data = Self.body(
            "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n"
                + "--b\r\nContent-Disposition: form-data; filename=\"会议;纪要.pdf\"; name=\"files\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--not-the-end\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\n\r\n\r\n--b--\r\n")
        let form = try Multipart(data: data, boundary: "b")
        #expect(form.field("csrf") == "token")
        #expect(form.parts.count == 3)
        let file = try #require(form.files.first)
        #expect(form.files.count == 1)  // the empty file input is skipped
        #expect(file.name == "files" && file.filename == "会议;纪要.pdf")
        #expect(String(decoding: data[file.range], as: UTF8.self) == "%PDF\r\n--not-the-end")
    }

    @Test func malformedBodiesAreRefused() {
        let bodies = [
            "no boundary at all",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing delimiter",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nno blank line\r\n--b--",
            "--b\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--b--",
            "--bX\r\n",
        ]
        for body in bodies {
            #expect(throws: Multipart.Malformed.self, "\(body)") { try Multipart(data: Self.body(body), boundary: "b") }
        }
        let tooMany = (0...Multipart.maximumParts).map { "--b\r\nContent-Disposition: form-data; name=\"f\($0)\"\r\n\r\nx\r\n" }.joined() + "--b--"
        #expect(throws: Multipart.Malformed.self) { try Multipart(data: Self.body(tooMany), boundary: "b") }
    }
}
