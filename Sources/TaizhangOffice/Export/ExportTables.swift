import Foundation
import TaizhangCore
import TaizhangTracker

/// The reports as tables: the same figures `status`, `gaps`, `tasks`, `log`, the catalogue
/// and `figures check` show, with numbers as numbers so section chiefs can sum and sort them.
public enum ExportTables {
    /// Builds the table of `kind`. `community` limits the rows to one unit (id, or `street`).
    public static func table(_ kind: ExportKind, tracker: Tracker, community: String? = nil) throws -> OfficeTable {
        let workspace = tracker.workspace
        switch kind {
        case .status:
            let scores = try MockScoring(tracker: tracker).scores()
            let report = try StatusReport(tracker: tracker, today: ChinaTime.day(tracker.now()), estimate: scores, unitFilter: community)
            return status(report, scores: scores)
        case .gaps:
            return gaps(try MockScoring(tracker: tracker).gaps(unit: community))
        case .tasks:
            return tasks(try tracker.taskRecords(), street: workspace.street, today: ChinaTime.day(tracker.now()))
        case .log:
            return log(try tracker.auditEvents(EventFilter(unit: community)), street: workspace.street)
        case .catalogue, .figures:
            return table(kind, workspace: workspace, community: community)
        }
    }

    /// The tables that need no tracker: the catalogue and the figures (the others: see above).
    public static func table(_ kind: ExportKind, workspace: Workspace, community: String? = nil) -> OfficeTable {
        switch kind {
        case .figures: figures(workspace, community: community)
        default: catalogue(workspace.catalogue, street: workspace.street)
        }
    }

    public static func status(_ report: StatusReport, scores: [UnitScore]) -> OfficeTable {
        let cards = Dictionary(scores.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a })
        func counts(_ c: StatusReport.Counts) -> [OfficeTable.Cell] {
            [c.items, c.notReviewed, c.filed, c.ticked, c.verified, c.notApplicable, c.flagged, c.done].map { .number($0) }
                + [.number(c.items == 0 ? 1 : Double(c.done) / Double(c.items))]
        }
        var rows: [[OfficeTable.Cell]] = []
        for unit in report.units {
            let card = cards[unit.id].flatMap { $0.maximum > .zero ? $0 : nil }
            rows.append(
                ["单位", .text(unit.number), .text(unit.name)] + counts(unit.counts)
                    + [card.map { .number($0.total) } ?? .empty, card.map { .number($0.maximum) } ?? .empty, .optional(card?.vetoed), .empty, .empty])
        }
        for group in report.groups {
            rows.append(
                ["工作组", .text(String(group.number)), .text(group.name)] + counts(group.counts)
                    + [.empty, .empty, .empty, .number(group.openTasks), .number(group.overdueTasks)])
        }
        return OfficeTable(
            name: ExportKind.status.sheetName,
            columns: [
                .init("类别", width: 8), .init("编号", width: 6), .init("名称", width: 24),
                .init("条目", width: 7, .integer), .init("未检查", width: 8, .integer), .init("已归档", width: 8, .integer),
                .init("已确认", width: 8, .integer), .init("已抽验", width: 8, .integer), .init("不适用", width: 8, .integer),
                .init("待核查", width: 8, .integer), .init("已完成", width: 8, .integer), .init("完成率", width: 9, .percent),
                .init("预估得分", width: 10, .decimal), .init("满分", width: 8, .decimal), .init("一票否决", width: 16),
                .init("未完成任务", width: 11, .integer), .init("逾期任务", width: 9, .integer),
            ],
            rows: rows)
    }

    public static func gaps(_ gaps: [Gap]) -> OfficeTable {
        OfficeTable(
            name: ExportKind.gaps.sheetName,
            columns: [
                .init("序号", width: 6, .integer), .init("单位", width: 14), .init("指标", width: 7), .init("指标名称", width: 22),
                .init("事项", width: 30), .init("失分原因", width: 40), .init("可挽回分值", width: 11, .decimal),
                .init("缺少资料（份）", width: 12, .integer), .init("责任组", width: 16), .init("任务", width: 10),
                .init("任务到期", width: 11), .init("任务内容", width: 30),
            ],
            rows: gaps.enumerated().map { index, gap in
                [
                    .number(index + 1), .text(gap.unitName), .text(gap.indicator), .text(gap.indicatorName), .optional(gap.subject),
                    .text(gap.reason), .number(gap.points), .number(gap.missingDocuments), .optional(gap.groupName ?? gap.group),
                    .optional(gap.task?.id), .optional(gap.task?.due), .optional(gap.task?.title),
                ]
            })
    }

    public static func tasks(_ tasks: [TaskRecord], street: Street, today: Day) -> OfficeTable {
        let people = names(street)
        let groups = Dictionary(street.groups.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return OfficeTable(
            name: ExportKind.tasks.sheetName,
            columns: [
                .init("任务编号", width: 10), .init("工作组", width: 16), .init("任务", width: 40), .init("负责人", width: 10),
                .init("到期日", width: 11), .init("状态", width: 8), .init("完成人", width: 10), .init("完成时间", width: 17),
                .init("逾期", width: 6),
            ],
            rows: tasks.map { task in
                [
                    .text(task.id), .text(groups[task.group] ?? task.group), .text(task.title), .text(people[task.owner] ?? task.owner),
                    .optional(task.due?.description), .text(task.state.chinese), .optional(task.doneBy.map { people[$0] ?? $0 }),
                    .optional(task.doneAt.map(ChinaTime.timestamp)), task.isOverdue(on: today) ? "逾期" : .empty,
                ]
            })
    }

    public static func log(_ events: [TrackerEvent], street: Street) -> OfficeTable {
        let people = names(street)
        let units = Dictionary(street.communities.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return OfficeTable(
            name: ExportKind.log.sheetName,
            columns: [
                .init("时间", width: 17), .init("操作人", width: 10), .init("人员编号", width: 9), .init("类别", width: 10),
                .init("单位", width: 14), .init("对象", width: 10), .init("变更", width: 18), .init("备注", width: 40),
            ],
            rows: events.map { event in
                let unit = event.unit == Tracker.streetUnit ? street.name : units[event.unit] ?? event.unit
                return [
                    .text(ChinaTime.timestamp(event.at)), .text(people[event.actor] ?? event.actor), .text(event.actor), .text(event.kind.chinese),
                    .optional(unit), .text(event.subject), .optional(event.changeLabel), .optional(event.note),
                ]
            })
    }

    /// One row per ledger item (an indicator without items gets one row): the columns the
    /// district's tables use, so the sheet can be edited and read back with `taizhang import catalogue`.
    public static func catalogue(_ catalogue: Catalogue, street: Street) -> OfficeTable {
        let groups = Dictionary(street.groups.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var rows: [[OfficeTable.Cell]] = []
        for category in catalogue.categories {
            for indicator in category.indicators {
                let head: [OfficeTable.Cell] = [
                    .text(category.name), .text(indicator.code), .text(indicator.name), .text(indicator.standard),
                    indicator.isScored ? .number(indicator.points) : .empty, .text(indicator.method.chinese), .text(indicator.level.chinese),
                ]
                if indicator.items.isEmpty {
                    rows.append(head + [.optional(indicator.group.map { groups[$0.id] ?? $0.id }), .empty, .empty, .empty])
                }
                for item in indicator.items {
                    let documents = item.documents.map { $0.quantity > 1 ? "\($0.title)×\($0.quantity)" : $0.title }
                    rows.append(
                        head + [
                            .optional(item.group.map { groups[$0.id] ?? $0.id }), .text(item.code), .text(item.title),
                            .text(documents.joined(separator: "\n")),
                        ])
                }
            }
        }
        return OfficeTable(
            name: ExportKind.catalogue.sheetName,
            columns: [
                .init("项目", width: 20), .init("指标编号", width: 8), .init("指标名称", width: 20), .init("评估标准", width: 50),
                .init("分值", width: 6, .decimal), .init("测评方式", width: 10), .init("层级", width: 10), .init("责任组", width: 16),
                .init("台账编号", width: 8), .init("台账资料", width: 26), .init("资料名称", width: 36),
            ],
            rows: rows)
    }

    /// Every reported value, unit by unit: counts as numbers, rates (unit %) as percentages,
    /// with the rate recomputed from its counts where the figures define a formula.
    public static func figures(_ workspace: Workspace, community: String? = nil) -> OfficeTable {
        let street = workspace.street
        let values = FigureValues(workspace.figures)
        let units = [(FigureUnit.street, street.name)] + street.communities.map { ($0.id, $0.name) }
        var rows: [[OfficeTable.Cell]] = []
        for (unit, name) in units where community == nil || community == unit {
            for definition in workspace.figures.definitions {
                let isPercent = definition.unit == "%"
                let recomputed = values.recomputed(definition.id, unit: unit)
                for reported in workspace.figures.reported(definition.id, unit: unit) {
                    rows.append([
                        .text(name), .text(definition.label), .text(definition.id), .text(definition.unit),
                        isPercent ? .empty : .number(reported.value), isPercent ? .number(reported.value / 100) : .empty,
                        isPercent ? recomputed.map { .number($0 / 100) } ?? .empty : .empty, .optional(reported.source),
                    ])
                }
            }
        }
        return OfficeTable(
            name: ExportKind.figures.sheetName,
            columns: [
                .init("单位", width: 14), .init("数据项", width: 24), .init("编号", width: 22), .init("计量单位", width: 8),
                .init("上报数值", width: 11, .decimal), .init("上报比率", width: 10, .percent), .init("按数重算比率", width: 12, .percent),
                .init("来源", width: 16),
            ],
            rows: rows)
    }

    private static func names(_ street: Street) -> [String: String] {
        Dictionary(street.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }
}
