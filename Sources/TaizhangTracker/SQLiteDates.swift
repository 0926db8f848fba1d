import Foundation
import GRDB
import TaizhangCore

/// Dates as GRDB stores them in SQLite — text `yyyy-MM-dd HH:mm:ss.SSS` in UTC — written and
/// read without Foundation's `DateFormatter` and `Calendar`, which cost more than the queries on
/// the web's hot paths (a unit's records on every reload, the tick write). The text written
/// and the `Date` read are exactly GRDB's (`Date.databaseValue`, `Date.fromDatabaseValue`);
/// anything outside the years 1970–9999 or not in that exact form goes through GRDB.
enum SQLiteDate {
    /// Seconds from 1970 to Foundation's reference date (2001-01-01).
    private static let referenceOffset = 978_307_200.0

    /// What GRDB stores for `date`.
    static func value(_ date: Date) -> DatabaseValue {
        // The formatter works on milliseconds since 1970, rounded to the nearest.
        let milliseconds = ((date.timeIntervalSinceReferenceDate + referenceOffset) * 1000).rounded()
        guard milliseconds >= 0, milliseconds < 253_402_300_800_000 else { return date.databaseValue }
        let total = Int64(milliseconds)
        let days = total / 86_400_000
        var rest = Int(total % 86_400_000)
        let civil = Day(ordinal: Int(days))
        let millisecond = rest % 1000
        rest /= 1000
        let second = rest % 60
        rest /= 60
        let minute = rest % 60
        let hour = rest / 60
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(civil.year, at: 0, digits: 4)
        put(civil.month, at: 5, digits: 2)
        put(civil.day, at: 8, digits: 2)
        put(hour, at: 11, digits: 2)
        put(minute, at: 14, digits: 2)
        put(second, at: 17, digits: 2)
        put(millisecond, at: 20, digits: 3)
        bytes[4] = UInt8(ascii: "-")
        bytes[7] = UInt8(ascii: "-")
        bytes[10] = UInt8(ascii: " ")
        bytes[13] = UInt8(ascii: ":")
        bytes[16] = UInt8(ascii: ":")
        bytes[19] = UInt8(ascii: ".")
        return String(decoding: bytes, as: UTF8.self).databaseValue
    }

    /// The date at column `index` of `row`, as GRDB reads it (nil for NULL).
    static func date(_ row: Row, _ index: Int) -> Date? {
        let value: DatabaseValue = row[index]
        if case .string(var text) = value.storage, let date = text.withUTF8(parse) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// A date column that is never NULL.
    static func requiredDate(_ row: Row, _ index: Int) throws -> Date {
        guard let date: Date = date(row, index) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "not a date in column \(index)")
        }
        return date
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS` with a real day and time (else nil: GRDB decides).
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Date? {
        guard text.count == 23, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: " "),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"), text[19] == UInt8(ascii: ".")
        else { return nil }
        func number(_ offset: Int, _ digits: Int) -> Int? {
            var value = 0
            for index in offset..<offset + digits {
                let digit = Int(text[index]) - Int(UInt8(ascii: "0"))
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3),
            year >= 1970, hour <= 23, minute <= 59, second <= 59, let date = Day(year: year, month: month, day: day)
        else { return nil }
        // As Foundation's calendar adds them up (other orders differ in the last bit near 2001):
        // the day's start since the reference date, plus the time of day with its fraction.
        let dayStart = (date.ordinal - 11_323) * 86_400  // 2001-01-01 is day 11,323
        let time = Double(hour * 3600 + minute * 60 + second) + Double(millisecond * 1_000_000) / 1_000_000_000
        return Date(timeIntervalSinceReferenceDate: Double(dayStart) + time)
    }
}
