import Testing

@testable import TaizhangCore

@Suite struct YearRolloverTests {
    @Test func weekdaysAreCountedFromAThursday() throws {
        #expect(YearRollover.weekday(try #require(Day("1970-01-01"))) == 4)
        #expect(YearRollover.weekday(try #require(Day("2015-10-31"))) == 6)
        #expect(YearRollover.weekday(try #require(Day("2014-12-07"))) == 0)
        #expect(YearRollover.weekday(try #require(Day("1969-12-31"))) == 3)
    }
}
