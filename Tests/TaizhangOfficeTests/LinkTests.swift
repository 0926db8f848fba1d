import CLibXLSXWriter
import Testing

@Suite struct LibXLSXWriterLinkTests {
    /// The system library is found and linked (pkg-config `xlsxwriter`).
    @Test func versionIsReported() {
        let version = String(cString: lxw_version())
        #expect(version.split(separator: ".").count >= 2)
    }
}
