import Testing

@testable import taizhang

/// A plain `validate` command line is read without ArgumentParser (`Validate.quickOptions`);
/// it must mean what ArgumentParser makes of it, and everything else must go to ArgumentParser.
struct QuickValidateTests {
    @Test(arguments: [
        ["validate"], ["validate", "--strict"], ["validate", "--workspace", "ws"], ["validate", "--workspace=ws"],
        ["validate", "--workspace", "/tmp/城市 工作区", "--strict"], ["validate", "--strict", "--workspace=a=b"],
        ["validate", "--workspace", "help"], ["validate", "--workspace", "validate"], ["validate", "--workspace", "."],
    ])
    func quickOptionsAreArgumentParsersOptions(_ arguments: [String]) throws {
        let quick = try #require(Taizhang.Validate.quickOptions(arguments))
        let parsed = try #require(try Taizhang.parseAsRoot(arguments) as? Taizhang.Validate)
        #expect(quick.workspace == parsed.options.workspace)
        #expect(quick.strict == parsed.options.strict)
        #expect(WorkspaceOptions.root(quick.workspace) == parsed.options.root)
    }

    @Test(arguments: [
        [], ["--help"], ["help", "validate"], ["validate", "--help"], ["validate", "-h"], ["validate", "help"],
        ["validate", "--generate-completion-script", "bash"], ["--generate-completion-script"], ["validate", "--workspace"],
        ["validate", "--workspace", "-x"], ["validate", "--workspace", "--strict"], ["validate", "--workspace="],
        ["validate", "--workspace", "a", "--workspace", "b"], ["validate", "--strict", "--strict"], ["validate", "--no-such-option"],
        ["validate", "extra"], ["validate", "--", "x"], ["validate", "--workspac", "x"], ["generate"], ["Validate"],
        ["validate", "--experimental-dump-help"], ["validate", "--version"],
    ])
    func otherCommandLinesGoToArgumentParser(_ arguments: [String]) {
        #expect(Taizhang.Validate.quickOptions(arguments) == nil)
    }
}
