import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangWeb

/// The unit zip is written into a folder of its own per request (two people fetching the same
/// unit's zip at once wrote into one file before); old request folders are removed later.
@Suite struct ZipDownloadFolderTests {
    @Test func onlyRequestFoldersOlderThanTheLimitAreRemoved() throws {
        let downloads = try TemporaryDirectory("downloads")
        let manager = FileManager.default
        for name in ["zip-old", "zip-new", "pdf-old"] {
            try manager.createDirectory(atPath: downloads.path + "/" + name, withIntermediateDirectories: true)
        }
        let now = Date()
        let twoHoursAgo = now.addingTimeInterval(-7200)
        for name in ["zip-old", "pdf-old"] {
            try manager.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: downloads.path + "/" + name)
        }
        DownloadController.removeStaleZipFolders(in: downloads.path, olderThan: 3600, now: now)
        #expect(try manager.contentsOfDirectory(atPath: downloads.path).sorted() == ["pdf-old", "zip-new"])
    }
}
