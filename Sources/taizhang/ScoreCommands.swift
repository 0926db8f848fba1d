import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangTracker

extension Taizhang {
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "The estimated score from the scoring rules, indicator by indicator, with every point lost (自评分).")

        @OptionGroup var options: TrackerOptions
        @Option(name: .long, help: "Community id, or street; all units when omitted.") var community: String?
        @Option(name: .long, help: "text or json.") var format: StatusFormat = .text

        func run() throws {
            let tracker = try options.tracker()
            if let community { _ = try options.perform { try tracker.unit(community) } }
            let scores = try MockScoring(tracker: tracker).scores().filter { community == nil || $0.unit == community }
            let report = ScoreReport(
                street: tracker.workspace.street.name, year: tracker.workspace.street.year,
                catalogueTotal: tracker.workspace.catalogue.totalPoints, units: scores)
            Console.out(format == .json ? try JSONOutput.encode(report) : ScoreText.render(report))
        }
    }

    struct Gaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gaps",
            abstract: "What to fix first: open gaps ranked by the points closing them recovers, with owner group and task.")

        @OptionGroup var options: TrackerOptions
        @Option(name: .long, help: "Community id, or street; all units when omitted.") var community: String?
        @Option(name: .long, help: "Show at most this many gaps (text only).") var limit: Int = 20
        @Option(name: .long, help: "text or json.") var format: StatusFormat = .text

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be 1 or more") }
        }

        func run() throws {
            let tracker = try options.tracker()
            if let community { _ = try options.perform { try tracker.unit(community) } }
            let gaps = try MockScoring(tracker: tracker).gaps(unit: community)
            Console.out(format == .json ? try JSONOutput.encode(gaps) : ScoreText.render(gaps, limit: limit))
        }
    }
}

/// `taizhang score --format json`.
struct ScoreReport: Encodable {
    var street: String
    var year: Int
    var catalogueTotal: Decimal2?
    var units: [UnitScore]
}

enum ScoreText {
    static func render(_ report: ScoreReport) -> String {
        var lines: [String] = []
        for unit in report.units where unit.maximum > .zero {
            if !lines.isEmpty { lines.append("") }
            lines.append("\(report.street) \(report.year) · \(unit.name) · 预估自评分 \(unit.summary)")
            lines.append(StatusText.pad("指标", 10) + StatusText.pad("名称", 28) + StatusText.right("分值", 6) + StatusText.right("自评分", 8) + "  评分细则")
            for indicator in unit.indicators {
                lines.append(
                    StatusText.pad(indicator.code, 10) + StatusText.pad(indicator.name, 28) + StatusText.right(indicator.points.description, 6)
                        + StatusText.right(indicator.earned.description, 8) + "  " + indicator.rule)
                for deduction in indicator.deductions {
                    let subject = deduction.subject
                    lines.append("          −\(deduction.amount)  \(subject.isEmpty ? "" : subject + "：")\(deduction.reason)")
                }
                if indicator.capped { lines.append("          （扣分已达上限）") }
                if indicator.bonus > .zero { lines.append("          +\(indicator.bonus)  加分") }
                for note in indicator.unknown { lines.append("          ？ \(note)") }
            }
            for parent in unit.parents {
                lines.append("其中 \(parent.code) \(parent.name)：\(parent.earned)/\(parent.points)（\(parent.parts.joined(separator: " + "))）")
            }
            lines.append(StatusText.pad("合计", 38) + StatusText.right(unit.maximum.description, 6) + StatusText.right(unit.total.description, 8))
            if let veto = unit.vetoed { lines.append("一票否决：\(veto)") }
        }
        return lines.isEmpty ? "没有计分指标" : lines.joined(separator: "\n")
    }

    static func render(_ gaps: [Gap], limit: Int) -> String {
        guard !gaps.isEmpty else { return "没有失分的缺口" }
        var lines = ["先补这些缺口（按补齐后可挽回的分值排序，共 \(gaps.count) 处）："]
        for (index, gap) in gaps.prefix(limit).enumerated() {
            let subject = gap.subject
            var line = "\(StatusText.right(String(index + 1), 3)). +\(gap.points)  \(gap.unitName)  \(gap.indicator) \(gap.indicatorName)"
            if !subject.isEmpty { line += " · \(subject)" }
            line += "：\(gap.reason)"
            if let group = gap.groupName ?? gap.group { line += "  责任组 \(group)" }
            if let task = gap.task { line += "  任务 \(task.id)\(task.due.map { " 到期 \($0)" } ?? "")：\(task.title)" }
            lines.append(line)
        }
        if gaps.count > limit { lines.append("……另有 \(gaps.count - limit) 处（--limit 调整）") }
        return lines.joined(separator: "\n")
    }
}
