import Foundation
import GRDB
import Testing

@testable import TaizhangTracker

/// #15 goal 4: the web's hot queries write and read dates without DateFormatter and Calendar;
/// the text and the dates must be exactly GRDB's, or records would change on disk or in memory.
@Suite struct SQLiteDateTests {
    /// Dates from 1970 to 2200 with any fraction, and the edges of a millisecond.
    static func dates() -> [Date] {
        var generator = SplitMix(seed: 15)
        var dates: [Date] = []
        for _ in 0..<30_000 {
            let seconds = Double(generator.next() % 7_258_118_400)
            let fraction = Double(generator.next() % 1_000_000_000) / 1_000_000_000
            dates.append(Date(timeIntervalSince1970: seconds + fraction))
        }
        // Near Foundation's reference date (2001), where the order of additions shows in the last bit.
        for _ in 0..<10_000 {
            let seconds = 978_307_200 + Double(generator.next() % 4_000_000) - 2_000_000
            dates.append(Date(timeIntervalSince1970: seconds + Double(generator.next() % 1_000_000) / 1_000_000))
        }
        for whole in [0.0, 951_782_400, 1_709_164_799, 1_732_924_800, 4_102_444_800, 253_402_300_799] {
            for fraction in [0.0, 0.000_4, 0.000_5, 0.000_999_9, 0.001, 0.123_456_789, 0.998_999_9, 0.999, 0.999_499_9, 0.999_5, 0.999_999_9] {
                dates.append(Date(timeIntervalSince1970: whole + fraction))
            }
        }
        dates.append(Date())
        dates.append(Date(timeIntervalSince1970: -1))
        dates.append(Date(timeIntervalSince1970: 253_402_300_800))
        dates.append(.distantPast)
        dates.append(.distantFuture)
        return dates
    }

    @Test func writtenTextIsGRDBs() {
        var mismatches: [String] = []
        for date in Self.dates() where SQLiteDate.value(date) != date.databaseValue {
            mismatches.append("\(date.timeIntervalSince1970): \(SQLiteDate.value(date)) vs \(date.databaseValue)")
        }
        let count = mismatches.count
        #expect(count == 0, "\(mismatches.prefix(5).joined(separator: "; "))")
    }

    @Test func readDatesAreGRDBs() throws {
        let queue = try DatabaseQueue()
        var texts = Self.dates().map { String.fromDatabaseValue($0.databaseValue) ?? "" }
        // Not in the fast form, or not a real day: GRDB's own reading decides.
        texts += [
            "2024-02-29 12:00:00.000", "2023-02-29 12:00:00.000", "2024-04-31 00:00:00.000", "2024-13-01 00:00:00.000",
            "2024-01-01 24:00:00.000", "2024-01-01 23:60:00.000", "2024-01-01 23:59:60.000", "1969-12-31 23:59:59.999",
            "2024-01-01 12:00:00", "2024-01-01T12:00:00.000", "2024-01-01 12:00:00.5", "2024-01-01 12:00", "2024-01-01",
            "2024-01-01 12:00:00.000Z", "2024-1-01 12:00:00.000", "abcd-ef-gh ij:kl:mn.opq", "",
        ]
        var mismatches: [String] = []
        try queue.read { db in
            for text in texts {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT ?, ?, NULL", arguments: [text, 1_700_000_000.25]))
                let ours: Date? = SQLiteDate.date(row, 0)
                let theirs = Date.fromDatabaseValue(row[0])
                // GRDB's column decoding (what the store used) traps where `fromDatabaseValue` is nil.
                let column: Date? = theirs == nil ? nil : row[0]
                for other in [theirs, column]
                where ours?.timeIntervalSinceReferenceDate.bitPattern != other?.timeIntervalSinceReferenceDate.bitPattern {
                    mismatches.append("\(text): \(String(describing: ours)) vs \(String(describing: other))")
                }
                #expect(SQLiteDate.date(row, 1) == row[1] as Date?, "a number is a time stamp")
                #expect(SQLiteDate.date(row, 2) == nil)
            }
        }
        let count = mismatches.count
        #expect(count == 0, "\(mismatches.prefix(5).joined(separator: "; "))")
    }
}

/// A small seeded generator, so the dates are the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
