import Foundation
import TaizhangTestSupport
import Testing

/// `serve --district` and `user add --district` on a district of two copies of the example
/// street (东湖街道 `donghu`, 西湖街道 `xihu`), each with its own SQLite file.
@Suite(.serialized) struct DistrictCommandTests {
    static var curlPath: String? { FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") ? "/usr/bin/curl" : nil }

    /// `suffix` makes the district's and streets' ids unique (on the shared PostgreSQL test database).
    static func district(people: String = "<person id=\"qu01\" name=\"王科长\" role=\"district\"/>", suffix: String = "") throws -> TemporaryDirectory {
        let district = try TemporaryDirectory("district-cli")
        let manager = FileManager.default
        for (folder, name) in [("donghu", "东湖街道"), ("xihu", "西湖街道")] {
            let id = folder + suffix
            let root = district.path + "/streets/" + folder
            try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
            try manager.copyItem(atPath: CLI.repository + "/checklists", toPath: root + "/checklists")
            try manager.copyItem(atPath: CLI.repository + "/templates", toPath: root + "/templates")
            let street = root + "/checklists/street.xml"
            let text = try String(contentsOfFile: street, encoding: .utf8)
            try text.replacingOccurrences(of: "id=\"donghu\" name=\"东湖街道\"", with: "id=\"\(id)\" name=\"\(name)\"")
                .write(toFile: street, atomically: true, encoding: .utf8)
        }
        try manager.createDirectory(atPath: district.path + "/schema", withIntermediateDirectories: true)
        try manager.copyItem(atPath: CLI.repository + "/checklists/schema/district.xsd", toPath: district.path + "/schema/district.xsd")
        try manager.copyItem(atPath: CLI.repository + "/templates", toPath: district.path + "/templates")
        try district.write(
            "district.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <district xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="schema/district.xsd" id="luohu\(suffix)" name="罗湖区">
              <streets>
                <street workspace="streets/donghu"/>
                <street workspace="streets/xihu"/>
              </streets>
              <people>
                \(people)
              </people>
            </district>

            """)
        return district
    }

    @Test func aWrongDistrictFileIsADiagnosticAndExit65() throws {
        let district = try Self.district(people: "<person id=\"p13\" name=\"撞号的人\" role=\"district\"/>")
        let file = district.path + "/district.xml"
        let serve = try CLI.run(["serve", "--district", file, "--port", "1"])
        #expect(serve.status == 65)
        #expect(
            serve.stderr.contains(
                "district.xml:8:5: error: district person \"p13\" has the id of a person of 东湖街道 (streets/donghu); district and street people need different ids [district.person-clash]"
            ), "\(serve.stderr)")
        try district.write("district.xml", "<district id=\"luohu\" name=\"罗湖区\"><streets><street workspace=\"../x\"/></streets></district>\n")
        let outside = try CLI.run(["user", "add", "--district", file, "qu01", "--password-stdin"], stdin: "district-pass-1\n")
        #expect(outside.status == 65)
        #expect(outside.stderr.contains("error: street folder \"../x\" leaves the district's folder"), "\(outside.stderr)")
    }

    @Test func aDistrictsTrackerDatabaseMustBePostgreSQL() throws {
        let district = try Self.district()
        let run = try CLI.run(["serve", "--district", district.path + "/district.xml", "--db", district.path + "/one.sqlite"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("[district.db]"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: district.path + "/one.sqlite"))
    }

    @Test func districtAccountsAreNotStreetAccounts() throws {
        let district = try Self.district()
        let file = district.path + "/district.xml"
        let add = try CLI.run(["user", "add", "--district", file, "qu01", "--password-stdin"], stdin: "district-pass-1\n")
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("password set for qu01 (王科长)"))
        #expect(FileManager.default.fileExists(atPath: district.path + "/.taizhang/district.sqlite"))
        // A street person is not a district person, and the other way round.
        #expect(try CLI.run(["user", "add", "--district", file, "p13", "--password-stdin"], stdin: "district-pass-1\n").status == 65)
        let street = try CLI.run(["user", "add", "--workspace", district.path + "/streets/xihu", "qu01", "--password-stdin"], stdin: "district-pass-1\n")
        #expect(street.status == 65)
        let again = try CLI.run(["user", "add", "--district", file, "qu01", "--password-stdin"], stdin: "district-pass-1\n")
        #expect(again.status == 65 && again.stderr.contains("[account.exists]"))
    }

    /// The serve tests' curl and CSRF helpers.
    let web = ServeEndToEndTests()
    func curl(_ arguments: [String]) throws -> String { try web.curl(arguments) }
    func csrf(in page: String) -> String? { web.csrf(in: page) }

    static var postgres: String? { ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

    @Test(.enabled(if: curlPath != nil))
    func oneServeServesTheDistrictOverviewAndEachStreetToItsOwnPeople() throws {
        try exercise(suffix: "", database: [], instances: 1)
    }

    /// Both `serve --district` on one PostgreSQL database: signed in on one, working on the other.
    @Test(.enabled(if: curlPath != nil && postgres != nil, "needs TAIZHANG_TEST_POSTGRES"))
    func twoServesOnOnePostgreSQLDatabaseServeOneDistrict() throws {
        let suffix = "-" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        try exercise(suffix: suffix, database: ["--db", try #require(Self.postgres)], instances: 2)
    }

    func exercise(suffix: String, database: [String], instances: Int) throws {
        let district = try Self.district(suffix: suffix)
        let file = district.path + "/district.xml"
        let add = try CLI.run(["user", "add", "--district", file, "qu01", "--password-stdin"] + database, stdin: "district-pass-1\n")
        #expect(add.status == 0, "\(add.stderr)")
        let xihu = district.path + "/streets/xihu"
        #expect(try CLI.run(["user", "add", "--workspace", xihu, "p13", "--password-stdin"] + database, stdin: "street-pass-1\n").status == 0)

        var servers: [Process] = []
        defer {
            for server in servers {
                server.terminate()
                server.waitUntilExit()
            }
        }
        var bases: [String] = []
        for _ in 0..<instances {
            let port = Int.random(in: 20_000...40_000)
            servers.append(try CLI.start(["serve", "--host", "127.0.0.1", "--port", String(port), "--district", file] + database))
            let base = "http://127.0.0.1:\(port)"
            let up = try web.waitForServer(base)
            #expect(up, "server did not start")
            guard up else { return }
            bases.append(base)
        }
        let (first, last) = (bases[0], bases[bases.count - 1])

        func signIn(_ jar: String, at path: String, _ person: String, _ password: String) throws -> String {
            let token = try #require(csrf(in: try curl(["-c", jar, "-b", jar, first + path])))
            return try curl([
                "-c", jar, "-b", jar, "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                "--data-urlencode", "csrf=\(token)", "--data-urlencode", "person=\(person)", "--data-urlencode", "password=\(password)", first + path,
            ])
        }
        let (east, west) = ("donghu" + suffix, "xihu" + suffix)
        let office = district.path + "/office.txt"
        #expect(try signIn(office, at: "/login", "qu01", "district-pass-1") == "303 \(first)/")
        let overview = try curl(["-b", office, last + "/"])
        #expect(overview.contains("<a href=\"/s/\(east)/\">东湖街道</a>") && overview.contains("<a href=\"/s/\(west)/\">西湖街道</a>"), "\(overview)")

        let lead = district.path + "/lead.txt"
        #expect(try signIn(lead, at: "/s/\(west)/login", "p13", "street-pass-1") == "303 \(first)/s/\(west)/")
        let items = try curl(["-b", lead, last + "/s/\(west)/items"])
        let token = try #require(csrf(in: items))
        let tick = try curl([
            "-b", lead, "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
            "--data-urlencode", "csrf=\(token)", "--data-urlencode", "unit=wutongshan", "--data-urlencode", "item=01.06",
            "--data-urlencode", "status=ticked", last + "/s/\(west)/items/tick",
        ])
        #expect(tick.hasPrefix("303 \(last)/s/\(west)/items?"), "\(tick)")
        #expect(try curl(["-b", lead, "-o", "/dev/null", "-w", "%{http_code}", last + "/s/\(east)/items"]) == "403")
        // The tick is in 西湖街道's own tracker, and the district overview counts it.
        let log = try CLI.run(["log", "--workspace", xihu, "--format", "json"] + database)
        #expect(log.stdout.components(separatedBy: "\"kind\" : \"item\"").count == 2, "\(log.stdout)")
        let eastLog = try CLI.run(["log", "--workspace", district.path + "/streets/donghu", "--format", "json"] + database)
        #expect(!eastLog.stdout.contains("\"kind\" : \"item\""))
        #expect(try curl(["-b", office, first + "/"]).contains(">1 / "))
        if database.count == 2, Psql.path != nil {
            // One pool per process for all streets and the district, named after the district:
            // at most PostgresConnectionPool.defaultMaximumConnections (16) per instance, none per street.
            let server = database[1]
            let district = try Psql.query(server, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'taizhang/district:luohu\(suffix)'")
            #expect((Int(district) ?? 0) >= instances && (Int(district) ?? 0) <= 16 * instances, "\(district) connections")
            let streets = try Psql.query(
                server, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'taizhang/\(east)/%' OR application_name LIKE 'taizhang/\(west)/%'")
            #expect(streets == "0", "no street has a pool of its own")
        }
    }
}
