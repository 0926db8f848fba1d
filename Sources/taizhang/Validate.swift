import ArgumentParser

extension Taizhang {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check the checklist definitions: schema, references, points, dates and names.")

        @OptionGroup var options: WorkspaceOptions

        func run() throws {
            _ = try WorkspaceOptions.load(root: options.root, strict: options.strict, printSummary: true, leavingDocumentToExit: true)
        }
    }
}

extension Taizhang.Validate {
    /// The options of a plain `validate` command line, read without ArgumentParser; nil for
    /// every other command line, which ArgumentParser then parses as before.
    ///
    /// ArgumentParser spends about 3.5 ms of a 40 ms `validate` before `run()`: it parses every
    /// command line twice more to look for `--generate-completion-script`, and reflects on
    /// each command type it meets, which makes the runtime scan its conformance tables.
    /// `validate` is the command scripts and editors run over and over, so its usual shapes
    /// (`validate`, `--workspace DIR` or `--workspace=DIR`, `--strict`, each at most once, in any
    /// order) skip that. A value that starts with `-`, a repeated or unknown option, help and
    /// completion requests all go the long way, so messages and help stay ArgumentParser's.
    /// `quickOptionsAreArgumentParsersOptions` holds the two readings together.
    static func quickOptions(_ arguments: [String]) -> (workspace: String, strict: Bool)? {
        guard arguments.first == "validate" else { return nil }
        var workspace: String?
        var strict = false
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument == "--strict" {
                guard !strict else { return nil }
                strict = true
                continue
            }
            let value: String
            if argument == "--workspace", let next = rest.popFirst() {
                value = next
            } else if argument.hasPrefix("--workspace=") {
                value = String(argument.dropFirst("--workspace=".count))
            } else {
                return nil
            }
            guard workspace == nil, let first = value.first, first != "-" else { return nil }
            workspace = value
        }
        return (workspace ?? ".", strict)
    }
}
