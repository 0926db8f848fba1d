import Foundation
import Testing

@testable import TaizhangXML

/// `StandardPath` must give exactly what Foundation's `standardizedFileURL.path` gives; it
/// only skips Foundation for paths that are standard already.
struct StandardPathTests {
    static let paths = [
        "/tmp/ws", "/tmp/ws/checklists/taizhang.xml", "/tmp/城市 工作区/checklists", "/a", "/a/...", "/a/.b", "/a/b.",
        "/a/../b", "/a/./b", "/a//b", "/a/", "/", "/a/..", "/a/.", "/..", "/private/tmp/x", "/privateer", "/var/automount/x",
        "/a/b%20c", "/a/b;c", "/a/b?c", "/a/b#c", "/a/[b]", "/a\\b", "/a/b\tc", "relative/path", ".", "..", "./a", "",
        "/tmp/x y/z", "/tmp/é/ü", "/tmp/~user", "/tmp/a:b", "/tmp/a'b\"c", "/tmp/a b/../c",
    ]

    @Test(arguments: paths)
    func ofIsFoundationsStandardizedPath(_ path: String) {
        #expect(StandardPath.of(path) == URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    @Test(arguments: ["communities/0001.xml", "a.xml", "../x.xml", "./a.xml", "a//b.xml", "社区/第一.xml", "a/", "a b.xml", "a%2e.xml", "..."])
    func siblingIsFoundationsJoinedPath(_ relative: String) {
        for file in ["/tmp/ws/checklists/taizhang.xml", "/taizhang.xml", "/tmp/ws/./x.xml", "/tmp/城市/a.xml"] {
            let including = URL(fileURLWithPath: file).deletingLastPathComponent()
            let expected = URL(fileURLWithPath: including.appendingPathComponent(relative).path).standardizedFileURL.path
            #expect(StandardPath.sibling(relative, of: file) == expected, "\(relative) of \(file)")
        }
    }

    @Test func standardPathsSkipFoundation() {
        #expect(StandardPath.isStandard("/tmp/ws/checklists/taizhang.xml"))
        #expect(StandardPath.isStandard("/tmp/城市 工作区/a/.b/c..d/..."))
        for path in ["/a/../b", "/a/./b", "/a//b", "/a/", "/", "relative", "/private/x", "/a/b%20c", "/a/.."] {
            #expect(!StandardPath.isStandard(path), "\(path)")
        }
    }
}
