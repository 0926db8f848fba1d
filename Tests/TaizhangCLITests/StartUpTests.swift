import Testing

/// What every command pays before it does anything.
struct StartUpTests {
    /// libxlsxwriter (and the libcrypto it needs) is opened only when a workbook is written:
    /// the dynamic loader's list of the libraries it loads for `validate` must not name it.
    @Test func validateDoesNotLoadTheWorkbookLibrary() throws {
        let result = try CLI.run(["validate", "--workspace", "/nonexistent-taizhang-workspace"], environment: ["LD_DEBUG": "libs"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("libxml2"))
        #expect(!result.stderr.contains("libxlsxwriter"))
        #expect(!result.stderr.contains("libcrypto"))
    }
}
