import Foundation
import Testing

/// `taizhang user add/passwd`: the password policy lives in `Accounts`; the command reports it.
@Suite struct UserCommandTests {
    @Test func aPasswordAgainstThePolicyIsRefusedWithExit65() throws {
        let ws = try WorkspaceCopy()
        let short = try CLI.run(["user", "add", "p13", "--password-stdin", "--workspace", ws.path], stdin: "short\n")
        #expect(short.status == 65)
        #expect(short.stderr.contains("error: the password needs at least 8 characters"))
        let long = try CLI.run(["user", "add", "p13", "--password-stdin", "--workspace", ws.path], stdin: String(repeating: "密", count: 25) + "\n")
        #expect(long.status == 65)
        #expect(long.stderr.contains("at most 72 bytes"))
        let good = try CLI.run(["user", "add", "p13", "--password-stdin", "--workspace", ws.path], stdin: "a-good-passphrase\n")
        #expect(good.status == 0, "\(good.stderr)")
    }
}
