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

@Suite struct XMLTextScannerTests {
    @Test func findsAttributesOutsideCommentsWithTheirPositionsAndParents() {
        let text = """
            <?xml version="1.0"?>
            <!-- <street year="1999"> is a comment -->
            <street year='2014' note="a > b">
              <task due="2014-10-31"/><![CDATA[<task due="1999-01-01"/>]]>
              <早 名="值"/>
            </street>
            """
        let scanner = XMLTextScanner(Array(text.utf8))
        #expect(
            scanner.attributes.map { "\($0.element).\($0.name)=\($0.value)@\($0.line):\($0.column)" } == [
                "street.year=2014@3:9", "street.note=a > b@3:21", "task.due=2014-10-31@4:9", "早.名=值@5:6",
            ])
        #expect(scanner.elements.map { "\($0.name)<\($0.parent ?? "-")@\($0.line):\($0.column)" } == ["street<-@3:1", "task<street@4:3", "早<street@5:3"])
        #expect(scanner.comments.map(\.text) == [" <street year=\"1999\"> is a comment "])
        #expect(scanner.texts.map(\.text) == ["<task due=\"1999-01-01\"/>"])
        let bytes = Array(text.utf8)
        let due = scanner.attributes[2]
        #expect(String(decoding: bytes[due.range], as: UTF8.self) == "2014-10-31")
    }
}
