import Foundation
import Testing

/// Tracker commands name the nearest known id when one is mistyped.
@Suite struct DidYouMeanTests {
    @Test func aMistypedCommunityPersonOrTaskGetsTheNearestKnownOne() throws {
        let ws = try WorkspaceCopy()
        let community = try CLI.run(["tick", "01.06", "--community", "wutongshn", "--by", "p13", "--workspace", ws.path])
        #expect(community.status == 65)
        #expect(
            community.stderr
                == "error: unknown community \"wutongshn\" (use a community id, or street for the street section); did you mean \"wutongshan\"? [tracker.unknown-community]\n"
        )
        let task = try CLI.run(["task", "done", "t-g4-1", "--by", "p03", "--workspace", ws.path])
        #expect(task.status == 65 && task.stderr == "error: unknown task \"t-g4-1\"; did you mean \"t-g4-01\"? [tracker.unknown-task]\n")
        let far = try CLI.run(["task", "done", "cleanup", "--by", "p03", "--workspace", ws.path])
        #expect(far.stderr == "error: unknown task \"cleanup\" [tracker.unknown-task]\n")
    }
}
