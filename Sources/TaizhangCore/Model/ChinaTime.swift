import Foundation

/// Times as the users read them: China Standard Time (UTC+8, no daylight saving), fixed rather
/// than the machine's zone so output is the same on every machine.
public enum ChinaTime {
    static let offset = 8 * 3600

    private static func split(_ date: Date) -> (day: Day, seconds: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = Int((Double(seconds) / 86400).rounded(.down))
        return (Day(ordinal: days), seconds - days * 86400)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `2014-11-02 10:05`
    public static func timestamp(_ date: Date) -> String {
        let (day, rest) = split(date)
        // Written byte by byte: every row of the items page shows one, and interpolating the
        // padded parts was 1.4% of the server's time (years of four digits; others as before).
        guard (1000...9999).contains(day.year) else { return "\(day) \(two(rest / 3600)):\(two(rest % 3600 / 60))" }
        return String(unsafeUninitializedCapacity: 16) { bytes in
            func put(_ value: Int, _ width: Int, at end: Int) {
                var value = value
                for index in stride(from: end - 1, through: end - width, by: -1) {
                    bytes[index] = UInt8(0x30 + value % 10)
                    value /= 10
                }
            }
            put(day.year, 4, at: 4)
            bytes[4] = 0x2D
            put(day.month, 2, at: 7)
            bytes[7] = 0x2D
            put(day.day, 2, at: 10)
            bytes[10] = 0x20
            put(rest / 3600, 2, at: 13)
            bytes[13] = 0x3A
            put(rest % 3600 / 60, 2, at: 16)
            return 16
        }
    }

    /// `2014-11-02T10:05:00+08:00`
    public static func isoTimestamp(_ date: Date) -> String {
        let (day, rest) = split(date)
        return "\(day)T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))+08:00"
    }

    /// The calendar day of an instant.
    public static func day(_ date: Date) -> Day { split(date).day }

    /// The instant a day starts.
    public static func start(of day: Day) -> Date {
        Date(timeIntervalSince1970: Double(day.ordinal * 86400 - offset))
    }
}
