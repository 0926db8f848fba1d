import ArgumentParser

extension Taizhang {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check the checklist definitions: schema, references, points, dates and names.")

        @OptionGroup var options: WorkspaceOptions

        func run() throws {
            _ = try options.load(printSummary: true)
        }
    }
}
