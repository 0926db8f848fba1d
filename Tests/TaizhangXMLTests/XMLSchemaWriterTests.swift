import Foundation
import TaizhangDiagnostics
import Testing

@testable import TaizhangXML

@Suite struct XMLSchemaTests {
    let xsd = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="list">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="entry" maxOccurs="unbounded">
                  <xs:complexType><xs:attribute name="n" type="xs:int" use="required"/></xs:complexType>
                </xs:element>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """

    @Test func violationsPointAtTheElementInItsOwnFile() throws {
        let xi = "xmlns:xi=\"http://www.w3.org/2001/XInclude\""
        let root = try temporaryTree([
            "list.xsd": xsd,
            "main.xml": "<list \(xi)>\n  <entry n=\"1\"/>\n  <xi:include href=\"more.xml\"/>\n</list>\n",
            "more.xml": "<entry\n   n=\"two\"/>\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (schema, schemaDiagnostics) = XMLSchema.load(file: root + "/list.xsd")
        #expect(schemaDiagnostics.isEmpty)
        let document = try #require(XMLDocument.parse(file: root + "/main.xml").document)
        #expect(document.processXIncludes(within: root).isEmpty)
        let rendered = try #require(schema).validate(document).map { $0.rendered(relativeTo: root) }
        #expect(rendered == ["more.xml:1:1: error: Element 'entry', attribute 'n': 'two' is not a valid value of the atomic type 'xs:int'. [xml.schema]"])
    }

    @Test func aBrokenSchemaIsReported() throws {
        let root = try temporaryTree(["bad.xsd": "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n  <xs:element name=\"a\" type=\"nope\"/>\n</xs:schema>\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (schema, diagnostics) = XMLSchema.load(file: root + "/bad.xsd")
        #expect(schema == nil)
        #expect(diagnostics.first?.location?.line == 2)
        #expect(diagnostics.first?.id == "xml.schema-invalid")
    }

    @Test func aSchemaThatIsAFIFOIsRefusedWithoutWaiting() throws {
        let root = try temporaryTree(["README": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try #require(mkfifo(root + "/list.xsd", 0o600) == 0)
        let (schema, diagnostics) = XMLSchema.load(file: root + "/list.xsd")
        #expect(schema == nil)
        #expect(
            diagnostics.map { $0.rendered(relativeTo: root) } == [
                "list.xsd: error: the schema is not a regular file (a folder, FIFO, socket or device) [xml.schema-missing]"
            ])
    }
}

@Suite struct XMLWriterTests {
    @Test func writesIndentedEscapedUTF8ThatParsesBack() throws {
        let writer = XMLWriter()
        writer.startElement("index")
        writer.attribute("street", "东湖街道 & <测试>")
        writer.element("item", ["code": "01.01"], text: "综合治理责任书 \"19\"")
        writer.endElement()
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(
            text == """
                <?xml version="1.0" encoding="UTF-8"?>
                <index street="东湖街道 &amp; &lt;测试&gt;">
                  <item code="01.01">综合治理责任书 &quot;19&quot;</item>
                </index>

                """)
        let back = try #require(XMLDocument.parse(string: text, file: "w.xml").document?.root)
        #expect(back.attribute("street") == "东湖街道 & <测试>")
    }
}
