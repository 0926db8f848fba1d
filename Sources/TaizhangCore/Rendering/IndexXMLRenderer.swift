import TaizhangXML

/// The machine-readable ledger indexes (`index.xml`), conforming to `ledger-index.xsd`.
enum IndexXMLRenderer {
    static func start(_ writer: XMLWriter, scope: String, header: PageHeader) {
        writer.startElement("ledgerIndex")
        writer.attribute("version", "1")
        writer.attribute("scope", scope)
        writer.attribute("street", header.streetName)
        writer.attribute("year", String(header.year))
    }

    static func unit(_ unit: UnitPlan, page: UnitIndexPage, header: PageHeader, figures: IndexFigures? = nil) -> [UInt8] {
        let writer = XMLWriter()
        start(writer, scope: unit.kind == .street ? "street-section" : "community", header: header)
        writer.attribute("unit", unit.id)
        writer.attribute("unitName", unit.name)
        writer.element(
            "summary",
            [
                "items": String(page.itemCount), "complete": String(page.completeItems),
                "present": String(page.present), "expected": String(page.expected),
            ])
        if let score = page.score {
            writer.startElement("score")
            writer.attribute("total", score.total)
            writer.attribute("maximum", score.maximum)
            if let vetoed = score.vetoed { writer.attribute("vetoed", vetoed) }
            for indicator in score.indicators {
                writer.startElement("indicator")
                writer.attribute("code", indicator.code)
                writer.attribute("name", indicator.name)
                writer.attribute("points", indicator.points)
                writer.attribute("earned", indicator.earned)
                writer.attribute("rule", indicator.rule)
                for deduction in indicator.deductions {
                    writer.element("deduction", ["amount": String(deduction.amount.dropFirst()), "subject": deduction.subject, "reason": deduction.reason])
                }
                writer.endElement()
            }
            writer.endElement()
        }
        for gap in page.gaps {
            writer.startElement("gap")
            writer.attribute("rank", String(gap.rank))
            writer.attribute("points", String(gap.points.dropFirst()))
            writer.attribute("indicator", gap.indicator)
            writer.attribute("subject", gap.subject)
            writer.attribute("reason", gap.reason)
            writer.attribute("group", gap.group)
            if let task = gap.task { writer.attribute("task", task) }
            writer.endElement()
        }
        for binder in page.binders {
            writer.startElement("binder")
            writer.attribute("number", binder.number)
            writer.attribute("name", binder.name)
            for item in binder.items {
                writer.startElement("item")
                writer.attribute("code", item.code)
                writer.attribute("title", item.title)
                writer.attribute("expected", String(item.expected))
                writer.attribute("present", String(item.present))
                writer.attribute("state", item.stateClass)
                if let kind = item.kind { writer.attribute("kind", kind) }
                if let status = item.trackerStatus { writer.attribute("status", status) }
                if let by = item.trackerBy { writer.attribute("by", by) }
                if let at = item.trackerAt { writer.attribute("at", at) }
                for file in item.files {
                    writer.element("file", ["name": file.name, "size": String(file.bytes), "modified": file.modifiedISO])
                }
                writer.endElement()
            }
            writer.endElement()
        }
        if let figures { write(figures, to: writer) }
        for orphan in page.orphans {
            writer.element("orphan", ["path": orphan.path, "files": String(orphan.files)])
        }
        writer.endElement()
        return writer.finish()
    }

    static func street(_ page: StreetIndexPage, plan: PackPlan, figures: IndexFigures? = nil) -> [UInt8] {
        let writer = XMLWriter()
        start(writer, scope: "street", header: page.header)
        writer.element(
            "summary",
            [
                "items": String(page.totalItems), "complete": String(page.totalComplete),
                "present": String(page.totalPresent), "expected": String(page.totalExpected),
            ])
        for (unit, row) in zip(plan.units, page.units) {
            writer.element(
                "unit",
                [
                    "id": unit.id, "number": unit.number, "name": unit.name, "folder": unit.folderName,
                    "items": String(row.items), "complete": String(row.completeItems),
                    "present": String(row.present), "expected": String(row.expected),
                ])
        }
        if let figures { write(figures, to: writer) }
        for orphan in page.orphans {
            writer.element("orphan", ["path": orphan.path, "files": String(orphan.files)])
        }
        writer.endElement()
        return writer.finish()
    }

    /// `<figures>`: every reported value (with the recomputed rate) and every flag.
    static func write(_ figures: IndexFigures, to writer: XMLWriter) {
        writer.startElement("figures")
        for entry in figures.entries {
            writer.startElement("figure")
            writer.attribute("unit", entry.unit)
            writer.attribute("id", entry.definition.id)
            writer.attribute("label", entry.definition.label)
            writer.attribute("measure", entry.definition.unit)
            if let reported = entry.reported {
                writer.attribute("reported", FigureNumber.format(reported.value, decimals: reported.decimals))
                if let source = reported.source { writer.attribute("source", source) }
            }
            if let recomputed = entry.recomputed { writer.attribute("recomputed", recomputed) }
            writer.endElement()
        }
        for flag in figures.flags {
            writer.startElement("flag")
            writer.attribute("unit", flag.unit)
            writer.attribute("rule", flag.rule)
            writer.attribute("kind", flag.kind.rawValue)
            writer.attribute("figure", flag.figure)
            writer.attribute("severity", flag.severity.rawValue)
            writer.attribute("arithmetic", flag.arithmeticChinese)
            if let explanation = flag.explanation { writer.attribute("explanation", explanation) }
            writer.endElement()
        }
        writer.endElement()
    }
}
