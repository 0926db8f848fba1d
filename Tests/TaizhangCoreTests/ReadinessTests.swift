import TaizhangCore
import Testing

/// The readiness rules every output reads (printed index, web pages, `status`).
@Suite struct ReadinessTests {
    func flags(_ present: Int, of expected: Int, _ status: ItemStatus?, failedMock: Bool = false) -> [ReadinessFlag] {
        ItemReadiness(present: present, expected: expected, status: status, failedMock: failedMock).flags
    }

    @Test func eachFlagHasItsCondition() {
        #expect(flags(2, of: 2, nil) == [.filesNotReviewed])
        #expect(flags(2, of: 2, .notReviewed) == [.filesNotReviewed])
        #expect(flags(0, of: 2, .ticked) == [.tickedWithoutFiles])
        #expect(flags(0, of: 2, .filed) == [.tickedWithoutFiles])
        #expect(flags(1, of: 2, .verified) == [.incompleteDocuments])
        #expect(flags(2, of: 2, .ticked).isEmpty)
        #expect(flags(0, of: 2, nil).isEmpty)
        #expect(flags(0, of: 2, .notApplicable).isEmpty)
    }

    /// One item can need several things at once; every output lists them most urgent first
    /// (the printed index once ranked them one way and the web page the other).
    @Test func flagsComeMostUrgentFirst() {
        #expect(flags(0, of: 1, .ticked, failedMock: true) == [.failedMock, .tickedWithoutFiles])
        #expect(flags(3, of: 1, .notReviewed, failedMock: true) == [.failedMock, .filesNotReviewed])
        #expect(ReadinessFlag.allCases.sorted() == ReadinessFlag.allCases)
        #expect(ItemReadiness(present: 0, expected: 1, status: .ticked, failedMock: true).flagText == "模拟检查未通过；已勾选但无文件")
        #expect(ItemReadiness(present: 1, expected: 1, status: .ticked, failedMock: false).flagText == nil)
    }

    /// `flagText` is built without the `flags` array (every row of the web's items page asks):
    /// for every combination it is still those flags, most urgent first, joined.
    @Test func flagTextIsTheFlagsJoinedInEveryCase() {
        var flagged = 0
        for status in [nil] + ItemStatus.allCases.map(Optional.some) {
            for (present, expected) in [(0, 0), (0, 2), (1, 2), (2, 2), (3, 2)] {
                for failedMock in [false, true] {
                    for expectsFiles in [false, true] {
                        for note in [nil, "  ", "档案室"] {
                            let readiness = ItemReadiness(
                                expected: expected, expectsFiles: expectsFiles, present: present, status: status, note: note, failedMock: failedMock)
                            let flags = readiness.flags
                            #expect(readiness.flagText == (flags.isEmpty ? nil : flags.map(\.chinese).joined(separator: "；")))
                            #expect(flags == flags.sorted())
                            if flags.count > 1 { flagged += 1 }
                        }
                    }
                }
            }
        }
        #expect(flagged > 0)
    }

    @Test func completenessCountsNotApplicableAsNothingMissing() {
        #expect(Completeness(present: 2, expected: 2, status: nil) == .complete)
        #expect(Completeness(present: 1, expected: 2, status: .ticked) == .partial)
        #expect(Completeness(present: 0, expected: 2, status: nil) == .missing)
        #expect(Completeness(present: 0, expected: 2, status: .notApplicable) == .notApplicable)
        #expect(Completeness.notApplicable.isSatisfied && Completeness.complete.isSatisfied && !Completeness.partial.isSatisfied)
        let na = ItemReadiness(present: 1, expected: 3, status: .notApplicable, failedMock: false)
        #expect(na.progress == (0, 0))
        #expect(ItemReadiness(present: 5, expected: 3, status: .ticked, failedMock: false).progress == (3, 3))
    }

    @Test func statusesParseFromTheCommandLineAndFormSpellingOnly() {
        #expect(["filed", "ticked", "verified", "na"].compactMap(ItemStatus.init(argument:)) == ItemStatus.settable)
        // Unknown values are refused, never read as "ticked"; 未检查 is reached by unticking.
        #expect(ItemStatus(argument: "tickd") == nil)
        #expect(ItemStatus(argument: "not-reviewed") == nil)
        #expect(ItemStatus(argument: "") == nil)
        #expect(ItemStatus(argument: "TICKED") == nil)
    }

    @Test func overdueMeansNotDoneAndPastItsDay() throws {
        let today = try #require(Day("2014-11-30"))
        let yesterday = try #require(Day("2014-11-29"))
        #expect(Deadline.isOverdue(due: yesterday, isDone: false, today: today))
        #expect(!Deadline.isOverdue(due: yesterday, isDone: true, today: today))
        #expect(!Deadline.isOverdue(due: today, isDone: false, today: today))
        #expect(!Deadline.isOverdue(due: nil, isDone: false, today: today))
        #expect(Deadline.daysOverdue(due: yesterday, today: today) == 1)
        #expect(Deadline.daysOverdue(due: today.adding(days: 3), today: today) == 0)
    }
}
