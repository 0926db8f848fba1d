import CLibXLSXWriter
import Testing

@Suite struct LibXLSXWriterLinkTests {
    /// The system library is found and opened on the first call (XLSXWriterLoader).
    @Test func versionIsReported() {
        let version = String(cString: lxw_version())
        #expect(version.split(separator: ".").count >= 2)
    }
}
