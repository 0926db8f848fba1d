import Foundation
import TaizhangDiagnostics

/// Renders every page of a pack from the plan; returns (path, bytes) pairs for the writer.
struct PageRenderer {
    let workspace: Workspace
    let templates: TemplateSet
    let statuses: (any ItemStatusSource)?
    /// What `figures check` flags, shown on the 数据统计 pages.
    var figureFlags: [FigureFlag] = []
    /// What the estimated score reads besides the files on disk (tracker, mock measures, figures).
    var scoring = PackScoring()

    private var street: Street { workspace.street }

    var header: PageHeader { PageHeaderSource(workspace: workspace).header }

    func groupName(_ reference: Reference?) -> String {
        guard let reference, let group = street.group(reference.id) else { return reference?.id ?? "" }
        return group.label
    }

    func documents(_ item: LedgerItem) -> [DocumentRow] {
        item.documents.map { DocumentRow(title: $0.title, quantity: $0.quantity, period: $0.period.chinese, date: $0.date?.chinese) }
    }

    func itemRow(_ plan: ItemPlan, hrefPrefix: [String]) -> ItemRow {
        let keywords = keywordHints(plan.item)
        return ItemRow(
            code: plan.item.code, title: plan.item.title, folder: plan.folderName,
            href: PageFormat.href(hrefPrefix + [plan.folderName, GeneratedName.itemSheet]),
            indicatorCode: plan.indicator.code, indicatorName: plan.indicator.name,
            points: RuleText.points(plan.indicator), rule: RuleText.describe(plan.indicator, terms: street.terms), method: plan.indicator.method.chinese,
            group: groupName(plan.item.group), documents: documents(plan.item), expected: plan.item.expectedCount,
            keywords: keywords.isEmpty ? nil : keywords.joined(separator: "　"), note: plan.item.note)
    }

    /// Keyword hints worth printing (regular expressions mean nothing to the people filing).
    func keywordHints(_ item: LedgerItem) -> [String] {
        item.hints.filter { $0.match != .regex }.map(\.text)
    }

    /// 区 · 街道 · 社区 (or 区 · the street's section), as official pages name a unit.
    func fullUnitName(_ unit: UnitPlan) -> String {
        PrintText.fullUnitName(street: street, unit: unit)
    }

    func box(_ unit: UnitPlan, _ binder: BinderPlan) -> BoxPosition {
        let number = WalkthroughBuilder.boxNumber(binder, in: unit)
        return BoxPosition(
            fullUnitName: fullUnitName(unit), compactUnitName: PrintText.fullUnitName(street: street, unit: unit, separator: ""),
            boxNumber: number, boxCount: unit.boxes.count)
    }

    // MARK: Unit pages

    func unitFiles(_ unit: UnitPlan, inventory: UnitInventory, orphans: [(path: String, files: Int)]) -> [GeneratedPage] {
        var files: [GeneratedPage] = []
        // Boards, registers and other items kept in place get no folder, cover or item sheet:
        // they are listed on the unit's 上墙及实物清单 page instead.
        for binder in unit.binders where !binder.isInPlaceOnly {
            files.append(page(binder.folderName + "/" + GeneratedName.cover, "cover", coverPage(unit, binder)))
            files.append(page(binder.folderName + "/" + GeneratedName.binderCatalogue, "catalogue", cataloguePage(unit, binder)))
            for plan in binder.filedItems {
                files.append(page(binder.folderName + "/" + plan.folderName + "/" + GeneratedName.itemSheet, "item-sheet", itemSheetPage(unit, binder, plan)))
            }
        }
        if !unit.boxes.isEmpty {
            files.append(page(GeneratedName.spineLabels, "spine-labels", spinePage(unit)))
        }
        files.append(page(GeneratedName.checklist, "checklist", checklistPage(unit)))
        let figuresPage = figuresUnitFile(unit)
        if let figuresPage { files.append(figuresPage) }
        var index = unitIndex(unit, inventory: inventory, orphans: orphans)
        index.figuresHref = figuresPage.map { PageFormat.href([$0.path]) }
        if !unit.inPlaceItems.isEmpty {
            files.append(page(GeneratedName.inPlaceList, "in-place", inPlacePage(unit)))
            index.inPlaceHref = PageFormat.href([GeneratedName.inPlaceList])
        }
        files.append(page(GeneratedName.index, "index-unit", index))
        let xml = IndexXMLRenderer.unit(unit, page: index, header: header, figures: indexFigures(units: [unit.id]))
        files.append(GeneratedPage(path: GeneratedName.indexXML, fingerprint: nil) { () throws(Diagnostic) in xml })
        return files
    }

    /// A page rendered from `template` with `model`, fingerprinted so that an unchanged page is
    /// not rendered again (see `PageFingerprint`).
    func page<Model: PageFingerprintable & PageLookup & Sendable>(_ path: String, _ template: String, _ model: Model) -> GeneratedPage {
        var fingerprint = PageFingerprint()
        fingerprint.add(PageFingerprint.engine)
        fingerprint.add(template)
        fingerprint.add(templates.digest(of: template))
        model.fingerprint(into: &fingerprint)
        let templates = self.templates
        return GeneratedPage(path: path, fingerprint: fingerprint.digest) { () throws(Diagnostic) in try templates.render(template, page: model) }
    }

    // The view model of each page, built without I/O (tests check them against the lookups).

    func coverPage(_ unit: UnitPlan, _ binder: BinderPlan) -> CoverPage {
        CoverPage(
            header: header, unitName: unit.name, box: box(unit, binder), binderNumber: binder.category.code,
            categoryName: binder.category.name, itemCount: binder.filedItems.count)
    }

    func cataloguePage(_ unit: UnitPlan, _ binder: BinderPlan) -> CataloguePage {
        CataloguePage(
            header: header, unitName: unit.name, box: box(unit, binder), binderNumber: binder.category.code,
            categoryName: binder.category.name,
            entries: binder.filedItems.enumerated().map { index, plan in
                CatalogueEntry(
                    number: index + 1, title: plan.item.title, copies: plan.item.expectedCount, code: plan.item.code,
                    href: PageFormat.href([plan.folderName, GeneratedName.itemSheet]))
            })
    }

    /// The unit's boxes and the items filed in them; items kept in place are on the 上墙及实物清单.
    func checklistPage(_ unit: UnitPlan) -> ChecklistPage {
        ChecklistPage(
            header: header, unitName: unit.name, fullUnitName: fullUnitName(unit),
            binders: unit.boxes.map { binder in
                ChecklistBinder(
                    box: box(unit, binder), binderNumber: binder.category.code, categoryName: binder.category.name,
                    points: binder.category.points?.description,
                    items: binder.filedItems.map { itemRow($0, hrefPrefix: [binder.folderName]) })
            })
    }

    func itemSheetPage(_ unit: UnitPlan, _ binder: BinderPlan, _ plan: ItemPlan) -> ItemSheetPage {
        let item = plan.item, indicator = plan.indicator
        let group = item.group.flatMap { street.group($0.id) }
        let lead = group.flatMap { street.person($0.lead.id) }
        return ItemSheetPage(
            header: header, unitName: unit.name, box: box(unit, binder), binderNumber: binder.category.code, categoryName: binder.category.name,
            code: item.code, title: item.title, level: item.level.label(street.terms), groupName: groupName(item.group),
            groupLead: lead?.nameWithTitle,
            indicatorCode: indicator.code, indicatorName: indicator.name, points: RuleText.points(indicator),
            rule: RuleText.describe(indicator, terms: street.terms), veto: indicator.isVeto, method: indicator.method.chinese, standard: indicator.standard,
            documents: documents(item), expected: item.expectedCount, note: PrintText.officialNote(item.note))
    }

    func spinePage(_ unit: UnitPlan) -> SpinePage {
        SpinePage(
            header: header, unitName: unit.name, fullUnitName: fullUnitName(unit),
            labels: unit.boxes.map {
                SpineLabel(
                    ledgerTitle: header.ledgerTitle, box: box(unit, $0), binderNumber: $0.category.code,
                    categoryName: $0.category.name, year: street.year)
            })
    }

    func unitIndex(_ unit: UnitPlan, inventory: UnitInventory, orphans: [(path: String, files: Int)]) -> UnitIndexPage {
        var binders: [IndexBinderRow] = []
        var missing: [IndexItemRow] = []
        for binder in unit.binders {
            var rows: [IndexItemRow] = []
            var present = 0, expected = 0
            for plan in binder.items {
                let files = inventory.files[plan.item.code] ?? []
                let have = files.count, want = plan.item.expectedCount
                let status = statuses?.status(unit: unit.id, item: plan.item.code)
                let readiness = ItemReadiness(
                    item: plan.item, present: have, status: status?.status, note: status?.note, failedMock: status?.flagged ?? false)
                let completeness = readiness.completeness
                let inPlace = !plan.item.kind.expectsFiles
                present += readiness.progress.present
                expected += readiness.progress.expected
                let row = IndexItemRow(
                    code: plan.item.code, title: plan.item.title,
                    // Items kept in place have no folder: they link to the 上墙及实物清单.
                    href: inPlace ? PageFormat.href([GeneratedName.inPlaceList]) : PageFormat.href([binder.folderName, plan.folderName]),
                    expected: want, present: have, state: completeness.chinese, stateClass: completeness.rawValue,
                    files: files.map { file in
                        FileRow(
                            name: file.name, href: PageFormat.href([binder.folderName, plan.folderName] + file.name.split(separator: "/").map(String.init)),
                            size: PageFormat.size(file.size), bytes: file.size,
                            modified: PageFormat.timestamp(file.modified), modifiedISO: PageFormat.isoTimestamp(file.modified))
                    },
                    hasFiles: !files.isEmpty, groupName: groupName(plan.item.group),
                    trackerStatus: readiness.status.chinese,
                    trackerBy: status?.by, trackerAt: status?.at, flag: readiness.flagText, missingMonths: missingMonths(plan.item, files),
                    kind: inPlace ? plan.item.kind.chinese : nil, isInPlace: inPlace, location: inPlace ? status?.note : nil)
                rows.append(row)
                if !completeness.isSatisfied { missing.append(row) }
            }
            binders.append(
                IndexBinderRow(
                    number: binder.category.code, name: binder.category.name,
                    href: binder.isInPlaceOnly
                        ? PageFormat.href([GeneratedName.inPlaceList]) : PageFormat.href([binder.folderName, GeneratedName.binderCatalogue]),
                    items: rows, present: present, expected: expected))
        }
        let summary = inventory.summary(statuses: statuses)
        let (score, gaps) = estimate(unit, inventory: inventory)
        let orphanRows = orphans.map { OrphanRow(path: $0.path, href: PageFormat.href($0.path.split(separator: "/").map(String.init)), files: $0.files) }
        return UnitIndexPage(
            header: header, unitName: unit.name, isStreet: unit.kind == .street, binders: binders,
            missing: missing, hasMissing: !missing.isEmpty, orphans: orphanRows, hasOrphans: !orphanRows.isEmpty,
            hasItems: !unit.items.isEmpty, itemCount: summary.items, completeItems: summary.completeItems, present: summary.present, expected: summary.expected,
            percent: PageFormat.percent(summary.present, of: summary.expected), streetIndexHref: "../" + GeneratedName.index,
            score: score, gaps: gaps, hasGaps: !gaps.isEmpty)
    }

    /// The unit's estimated score and its ten largest gaps, counting the files on disk now.
    func estimate(_ unit: UnitPlan, inventory: UnitInventory) -> (ScoreSection?, [GapRow]) {
        // A community's score reads only its own items; the street's also its communities' (per-community rules).
        var inputs = unit.kind == .street ? scoring.inputs : ScoreInputs(figures: scoring.inputs.figures)
        for plan in unit.items {
            let key = UnitItem(unit: unit.id, item: plan.item.code)
            var evidence = scoring.inputs.items[key] ?? ItemEvidence()
            if let status = statuses?.status(unit: unit.id, item: plan.item.code) {
                evidence.status = status.status
                evidence.flagged = status.flagged
            }
            evidence.present = inventory.files[plan.item.code]?.count ?? 0
            inputs.items[key] = evidence
        }
        let card = ScoreEstimator(plan: scoring.plan ?? PackPlan(folderName: "", units: [unit]), catalogue: workspace.catalogue)
            .estimate(unit: unit, inputs)
        guard card.maximum > .zero else { return (nil, []) }
        let section = ScoreSection(
            total: card.total.description, maximum: card.maximum.description, vetoed: card.vetoed,
            indicators: card.indicators.map { indicator in
                ScoreIndicatorRow(
                    code: indicator.code, name: indicator.name, points: indicator.points.description,
                    earned: indicator.earned.description, rule: indicator.rule,
                    deductions: indicator.deductions.map {
                        ScoreDeductionRow(amount: "−\($0.amount)", subject: $0.subject, reason: $0.reason)
                    })
            })
        let gaps = GapRanker.rank([card], groups: street.groups, openTasks: scoring.openTasks).prefix(10).enumerated().map { index, gap in
            GapRow(
                rank: index + 1, points: "+\(gap.points)", indicator: "\(gap.indicator) \(gap.indicatorName)",
                subject: gap.subject, reason: gap.reason,
                group: groupName(gap.group.map { Reference($0, at: workspace.catalogue.location) }),
                task: gap.task.map { "\($0.id)\($0.due.map { "（\($0) 到期）" } ?? "")：\($0.title)" })
        }
        return (section, gaps)
    }

    /// Months (and named monthly reports) of the statistical year that the file names miss.
    func missingMonths(_ item: LedgerItem, _ files: [UserFile]) -> String? {
        PeriodicGap.missingText(item, fileNames: files.map(\.name), start: street.periodStart, end: street.periodEnd)
    }

    /// The unit's 上墙及实物清单: every item kept in place, with whether it is confirmed and where.
    func inPlacePage(_ unit: UnitPlan) -> InPlacePage {
        var confirmed = 0
        let rows = unit.binders.flatMap { binder in
            binder.items.filter { !$0.item.kind.expectsFiles }.map { plan in
                let status = statuses?.status(unit: unit.id, item: plan.item.code)
                let readiness = ItemReadiness(item: plan.item, present: 0, status: status?.status, note: status?.note, failedMock: status?.flagged ?? false)
                if readiness.completeness.isSatisfied { confirmed += 1 }
                return InPlaceRow(
                    code: plan.item.code, title: plan.item.title, kind: plan.item.kind.chinese, place: plan.item.kind.placeLabel,
                    binder: "\(binder.category.code) \(binder.category.name)", groupName: groupName(plan.item.group),
                    documents: plan.item.documents.map { "\($0.title) \($0.quantity)" }.joined(separator: "；"),
                    state: readiness.completeness.chinese, stateClass: readiness.completeness.rawValue,
                    location: status?.note, by: status?.by, flag: readiness.flagText)
            }
        }
        return InPlacePage(header: header, unitName: unit.name, rows: rows, confirmed: confirmed, total: rows.count, indexHref: GeneratedName.index)
    }

    // MARK: Street pages

    func streetIndex(plan: PackPlan, summaries: [PackGenerator.UnitSummary], orphans: [OrphanRow]) -> StreetIndexPage {
        var rows: [StreetUnitRow] = []
        var items = 0, complete = 0, signedOff = 0, flagged = 0, present = 0, expected = 0
        for (unit, summary) in zip(plan.units, summaries) {
            let percent = PageFormat.percent(summary.present, of: summary.expected)
            rows.append(
                StreetUnitRow(
                    number: unit.number, name: unit.name, href: PageFormat.href([unit.folderName, GeneratedName.index]),
                    binders: unit.boxes.count, items: summary.items, completeItems: summary.completeItems,
                    missingItems: summary.items - summary.completeItems,
                    missingClass: summary.items > summary.completeItems ? "missing" : "complete",
                    signedOff: summary.signedOff, flagged: summary.flagged, present: summary.present, expected: summary.expected,
                    percent: percent, barWidth: percent))
            items += summary.items
            complete += summary.completeItems
            signedOff += summary.signedOff
            flagged += summary.flagged
            present += summary.present
            expected += summary.expected
        }
        return StreetIndexPage(
            header: header, units: rows, orphans: orphans, hasOrphans: !orphans.isEmpty,
            totalItems: items, totalComplete: complete, totalSignedOff: signedOff, totalFlagged: flagged, totalPresent: present, totalExpected: expected,
            percent: PageFormat.percent(present, of: expected))
    }

    func streetFiles(plan: PackPlan, summaries: [PackGenerator.UnitSummary], orphans: [OrphanRow]) -> [GeneratedPage] {
        var index = streetIndex(plan: plan, summaries: summaries, orphans: orphans)
        let figuresPage = figuresStreetFile(plan: plan)
        index.figuresHref = figuresPage.map { PageFormat.href([$0.path]) }
        let xml = IndexXMLRenderer.street(index, plan: plan, figures: indexFigures(units: plan.units.map(\.id)))
        return [
            page(GeneratedName.index, "index-street", index),
            GeneratedPage(path: GeneratedName.indexXML, fingerprint: nil) { () throws(Diagnostic) in xml },
        ] + (figuresPage.map { [$0] } ?? [])
    }
}

/// One generated file of a pack: a page to render, with the fingerprint of what it is made of
/// (nil: always rendered and compared, for cheap files such as index.xml).
struct GeneratedPage: Sendable {
    let path: String
    let fingerprint: String?
    let render: @Sendable () throws(Diagnostic) -> [UInt8]
}
