import ArgumentParser
import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker
import TaizhangWeb

extension Taizhang {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the web page for group leads (sign in, tick items and tasks, see progress).")

        @OptionGroup var tracking: TrackerOptions
        @Option(help: "Address to listen on (use the office network address to share).") var host = "127.0.0.1"
        @Option(help: "Port.") var port = 8080
        @OptionGroup var pack: PackLocationOptions
        @Option(help: "Largest evidence file a person may upload, in MB.") var uploadFileLimit = 50
        @Option(help: "Largest upload (all files of one request together), in MB.") var uploadTotalLimit = 200
        @OptionGroup var district: DistrictOptions

        func validate() throws {
            guard uploadFileLimit > 0, uploadTotalLimit >= uploadFileLimit, uploadTotalLimit <= 100_000 else {
                throw ValidationError("--upload-file-limit must be at least 1 and at most --upload-total-limit (at most 100000 MB)")
            }
        }

        func run() async throws {
            WebApp.tuneMemoryForServing()
            if let file = district.district { return try await serveDistrict(file) }
            let tracker = try tracking.tracker()
            let options = tracking.workspace
            let templates = try options.templates(WebConfiguration.webTemplates)
            let packRoot = pack.paths(options, plan: tracker.plan).packRoot
            let megabyte = 1024 * 1024
            // Sessions in the tracker's database: a restart, or a second serve, keeps people signed in.
            let configuration = WebConfiguration(
                tracker: tracker, templates: templates, packRoot: packRoot, sessions: StoredSessionStore(tracker: tracker),
                uploads: UploadLimits(maximumFileBytes: uploadFileLimit * megabyte, maximumTotalBytes: uploadTotalLimit * megabyte))
            Console.error("taizhang: serving \(tracker.workspace.street.name) on http://\(host):\(port)/ (Ctrl-C to stop)")
            try await WebApp.application(configuration, address: .hostname(host, port: port)).runService()
        }

        var uploads: UploadLimits {
            UploadLimits(maximumFileBytes: uploadFileLimit * 1024 * 1024, maximumTotalBytes: uploadTotalLimit * 1024 * 1024)
        }

        /// Every street of the district file, under `/s/<street>/`, with the overview at `/`.
        func serveDistrict(_ file: String) async throws {
            let setup = try DistrictSetup.load(file, tracking: tracking)
            let folder = setup.district.folder
            let templates = try WorkspaceOptions.parse(["--workspace", folder]).templates(DistrictConfiguration.templateNames)
            var streets: [WebConfiguration] = []
            for tracker in setup.streets {
                let root = tracker.workspace.root
                let web = try WorkspaceOptions.parse(["--workspace", root]).templates(WebConfiguration.webTemplates)
                let packRoot = PackPaths(outputRoot: root + "/output", plan: tracker.plan).packRoot
                streets.append(WebConfiguration(tracker: tracker, templates: web, packRoot: packRoot, uploads: uploads))
            }
            let configuration = DistrictConfiguration(
                district: setup.district, accounts: setup.accounts, templates: templates, streets: streets,
                sessions: StoredSessionStore(tracker: setup.accounts))
            Console.error("taizhang: serving \(setup.district.name) (\(streets.count) streets) on http://\(host):\(port)/ (Ctrl-C to stop)")
            try await DistrictApp.application(configuration, address: .hostname(host, port: port)).runService()
        }
    }

    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: "Web accounts: give a person a password.",
            subcommands: [Add.self, Passwd.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a web account for a person (asks for the password).")
            @OptionGroup var options: TrackerOptions
            @Option(help: "A district file (district.xml): the account of a district person, kept with the district's sessions.")
            var district: String?
            @Argument(help: "Person id, e.g. p13.") var person: String
            @Flag(help: "Read the password from standard input (for scripts).") var passwordStdin = false

            func run() throws {
                let tracker = try User.tracker(options, district)
                _ = try options.perform { try tracker.person(person) }
                if try tracker.passwordHash(person: person) != nil {
                    throw DiagnosticsEngine().fail("account.exists", "\(person) already has an account; use taizhang user passwd \(person)")
                }
                try setPassword(tracker, person, passwordStdin)
            }
        }

        struct Passwd: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set a new password for a person's web account.")
            @OptionGroup var options: TrackerOptions
            @Option(help: "A district file (district.xml): the account of a district person, kept with the district's sessions.")
            var district: String?
            @Argument(help: "Person id.") var person: String
            @Flag(help: "Read the password from standard input (for scripts).") var passwordStdin = false

            func run() throws {
                let tracker = try User.tracker(options, district)
                _ = try options.perform { try tracker.person(person) }
                try setPassword(tracker, person, passwordStdin)
            }
        }

        /// The street's tracker, or with `--district` the district's (its people's accounts).
        static func tracker(_ options: TrackerOptions, _ district: String?) throws -> Tracker {
            guard let file = district else { return try options.tracker() }
            return try DistrictSetup.accounts(try DistrictSetup.district(file), tracking: options)
        }

        static func setPassword(_ tracker: Tracker, _ person: String, _ fromStdin: Bool) throws {
            let password: String
            if fromStdin || isatty(STDIN_FILENO) == 0 {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                guard let first = getpass("新密码 (new password): ").map({ String(cString: $0) }),
                    let second = getpass("再输一次 (again): ").map({ String(cString: $0) }), first == second
                else {
                    throw DiagnosticsEngine().fail("account.password-mismatch", "the passwords do not match")
                }
                password = first
            }
            let ended: Int
            do {
                ended = try Accounts.setPassword(password, person: person, tracker: tracker)
            } catch let problem as Accounts.PasswordProblem {
                throw DiagnosticsEngine().fail("account.password-policy", problem.description)
            }
            let signedOut = ended == 0 ? "" : "; signed out of \(ended) web session\(ended == 1 ? "" : "s")"
            Console.out("password set for \(person) (\(tracker.workspace.street.person(person)?.name ?? person))\(signedOut)")
        }
    }
}
