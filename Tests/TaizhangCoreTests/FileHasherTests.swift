import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

#if canImport(Glibc)
    import Glibc
#endif

/// `FileHasher` reads only regular files: between a folder's listing and the hash, a file may be
/// swapped for a symbolic link (out of the pack) or a FIFO (an open that waits forever).
@Suite(.timeLimit(.minutes(1))) struct FileHasherTests {
    @Test func aRegularFileHasItsSHA256() throws {
        let directory = try TemporaryDirectory("hasher")
        try directory.write("a.txt", "abc")
        #expect(try FileHasher.sha256(path: directory.path + "/a.txt") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func aSymbolicLinkIsNotFollowed() throws {
        let directory = try TemporaryDirectory("hasher")
        try directory.write("outside.txt", "abc")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link.txt", withDestinationPath: directory.path + "/outside.txt")
        #expect(throws: POSIXError.self) { try FileHasher.sha256(path: directory.path + "/link.txt") }
    }

    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let directory = try TemporaryDirectory("hasher")
        let path = directory.path + "/pipe"
        try #require(mkfifo(path, 0o600) == 0)
        #expect(throws: POSIXError.self) { try FileHasher.sha256(path: path) }
    }
}
