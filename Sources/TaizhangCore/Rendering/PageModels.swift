import Foundation

// View models for the Mustache templates; every text is final, in Chinese, ready to print.
// Their explicit Mustache lookups (PageModels+Mustache.swift) are generated from this file:
// run Scripts/generate-mustache-lookups.py after changing a model.

struct PageHeader {
    var streetName: String
    var office: String
    var year: Int
    var assessmentTitle: String
    /// The ledger's title for covers and spines: the assessment title without a trailing 目录.
    var ledgerTitle: String
    var periodText: String
    var inspectionDate: String
    /// What the two levels are called (`{{header.terms.lower}}` → 社区 or 村); templates use
    /// these instead of writing 街道 or 社区.
    var terms: PageTerms
}

/// The street's unit terms (`Street.terms`) for templates.
struct PageTerms {
    /// 街道, 乡镇 …
    var upper: String
    /// 社区, 村 …
    var lower: String
}

struct DocumentRow {
    var title: String
    var quantity: Int
    var period: String
    var date: String?
}

struct ItemRow {
    var code: String
    var title: String
    var folder: String
    var href: String
    var indicatorCode: String
    var indicatorName: String
    /// `6 分`, or `不计分` for an unscored indicator.
    var points: String
    /// The scoring rule in words.
    var rule: String
    var method: String
    var group: String
    var documents: [DocumentRow]
    var expected: Int
    /// File-name keywords (internal checklist only).
    var keywords: String?
    /// The catalogue's note (internal checklist only: it may carry working remarks).
    var note: String?
}

/// Where a binder stands among its unit's boxes, as printed on cover, 目录 and spine.
struct BoxPosition {
    /// 区 · 街道 · 社区, from the street's `district`.
    var fullUnitName: String
    /// The same without separators (罗湖区东湖街道梧桐山社区), for narrow spines.
    var compactUnitName: String
    /// 1-based position among the unit's binders.
    var boxNumber: Int
    var boxCount: Int
}

/// The official cover of one binder: no working groups, no machine notes.
struct CoverPage {
    var header: PageHeader
    var unitName: String
    var box: BoxPosition
    var binderNumber: String
    var categoryName: String
    var itemCount: Int
}

/// One row of the official 目录: numbered consecutively, 页码 left blank for hand filling.
struct CatalogueEntry {
    var number: Int
    var title: String
    /// 份数: the documents the item expects.
    var copies: Int
    var code: String
    var href: String
}

/// The official 目录 filed as the first page of a binder.
struct CataloguePage {
    var header: PageHeader
    var unitName: String
    var box: BoxPosition
    var binderNumber: String
    var categoryName: String
    var entries: [CatalogueEntry]
}

/// One binder's part of the internal preparation checklist.
struct ChecklistBinder {
    var box: BoxPosition
    var binderNumber: String
    var categoryName: String
    var points: String?
    var items: [ItemRow]
}

/// The internal preparation checklist of a unit (内部, never filed in a binder): owner groups,
/// documents, scoring rules, file-name keywords and working notes, one binder per page.
struct ChecklistPage {
    var header: PageHeader
    var unitName: String
    var fullUnitName: String
    var binders: [ChecklistBinder]
}

struct ItemSheetPage {
    var header: PageHeader
    var unitName: String
    var box: BoxPosition
    var binderNumber: String
    var categoryName: String
    var code: String
    var title: String
    var level: String
    var groupName: String
    var groupLead: String?
    var indicatorCode: String
    var indicatorName: String
    /// `6 分`, or `不计分` for an unscored indicator.
    var points: String
    /// The scoring rule in words.
    var rule: String
    var veto: Bool
    var method: String
    var standard: String
    var documents: [DocumentRow]
    var expected: Int
    /// The catalogue's note, unless it is a working remark (e.g. marked （seed）).
    var note: String?
}

struct SpineLabel {
    var ledgerTitle: String
    var box: BoxPosition
    var binderNumber: String
    var categoryName: String
    var year: Int
}

struct SpinePage {
    var header: PageHeader
    var unitName: String
    var fullUnitName: String
    var labels: [SpineLabel]
}

struct FileRow {
    var name: String
    var href: String
    var size: String
    var bytes: Int
    var modified: String
    var modifiedISO: String
}

struct IndexItemRow {
    var code: String
    var title: String
    var href: String
    var expected: Int
    var present: Int
    var state: String
    var stateClass: String
    var files: [FileRow]
    var hasFiles: Bool
    var groupName: String
    var trackerStatus: String?
    var trackerBy: String?
    var trackerAt: String?
    var flag: String?
    /// `2014年3月、2014年4月 出生统计月报` for monthly items whose file names skip months or reports.
    var missingMonths: String?
    /// `牌`, `上墙` … for an item kept in place (it expects no file); nil for files.
    var kind: String?
    /// Kept in place: shows its confirmation instead of a file count.
    var isInPlace: Bool
    /// The tracker's note, for items kept in place: where they are.
    var location: String?
}

struct IndexBinderRow {
    var number: String
    var name: String
    var href: String
    var items: [IndexItemRow]
    var present: Int
    var expected: Int
}

struct OrphanRow {
    var path: String
    var href: String
    var files: Int
}

struct UnitIndexPage {
    var header: PageHeader
    var unitName: String
    var isStreet: Bool
    var binders: [IndexBinderRow]
    var missing: [IndexItemRow]
    var hasMissing: Bool
    var orphans: [OrphanRow]
    var hasOrphans: Bool
    /// False when the unit holds no item at all: the page says so instead of "全部齐全".
    var hasItems: Bool
    var itemCount: Int
    var completeItems: Int
    var present: Int
    var expected: Int
    var percent: Int
    var streetIndexHref: String
    /// The unit's 数据统计 page, when the workspace defines figures.
    var figuresHref: String? = nil
    /// The estimated score (nil when the unit has no scored indicators).
    var score: ScoreSection?
    /// What to fix first: the largest gaps of this unit.
    var gaps: [GapRow]
    var hasGaps: Bool
    /// The unit's 上墙及实物清单 page, when it has boards, registers or other items kept in place.
    var inPlaceHref: String? = nil
}

/// One item kept in place, on the 上墙及实物清单 page.
struct InPlaceRow {
    var code: String
    var title: String
    /// 牌, 上墙, 册 …
    var kind: String
    /// 上墙, 实物（台账室）, 信息系统.
    var place: String
    var binder: String
    var groupName: String
    var documents: String
    var state: String
    var stateClass: String
    /// Where it is, from the tracker's note (blank to fill in by hand when unknown).
    var location: String?
    var by: String?
    var flag: String?
}

/// 上墙及实物清单: a unit's boards, wall charts, registers, cards and system records, to walk
/// through at the ledger-room stop.
struct InPlacePage {
    var header: PageHeader
    var unitName: String
    var rows: [InPlaceRow]
    var confirmed: Int
    var total: Int
    var indexHref: String
}

struct ScoreDeductionRow {
    var amount: String
    var subject: String
    var reason: String
}

struct ScoreIndicatorRow {
    var code: String
    var name: String
    var points: String
    var earned: String
    var rule: String
    var deductions: [ScoreDeductionRow]
}

struct ScoreSection {
    var total: String
    var maximum: String
    var vetoed: String?
    var indicators: [ScoreIndicatorRow]
}

struct GapRow {
    var rank: Int
    var points: String
    var indicator: String
    var subject: String
    var reason: String
    var group: String
    var task: String?
}

struct StreetUnitRow {
    var number: String
    var name: String
    var href: String
    var binders: Int
    var items: Int
    var completeItems: Int
    var missingItems: Int
    var missingClass: String
    /// Items signed off in the tracker (已确认, 已抽验 or 不适用), shown beside the documents.
    var signedOff: Int
    /// Items whose status or files need a look (`ReadinessFlag`).
    var flagged: Int
    var present: Int
    var expected: Int
    var percent: Int
    var barWidth: Int
}

struct StreetIndexPage {
    var header: PageHeader
    var units: [StreetUnitRow]
    var orphans: [OrphanRow]
    var hasOrphans: Bool
    var totalItems: Int
    var totalComplete: Int
    var totalSignedOff: Int
    var totalFlagged: Int
    var totalPresent: Int
    var totalExpected: Int
    var percent: Int
    /// The street's 数据统计 page, when the workspace defines figures.
    var figuresHref: String? = nil
}

// MARK: 数据统计 (figures)

/// One figure of one unit: as reported, as recomputed, and what is wrong with it.
struct FigureRow {
    var label: String
    var measure: String
    /// `3313（工作总结·四（三））；4312（工作总结·六（三））` when reported in several places.
    var reported: String?
    /// For rates: `425 / 459 × 100 = 92.59`.
    var recomputed: String?
    var flags: [FigureFlagRow]
    var rowClass: String
}

struct FigureFlagRow {
    var unitName: String
    var label: String
    /// 错误, 提醒 or 已说明.
    var severity: String
    var severityClass: String
    var arithmetic: String
    var rule: String
    var explanation: String?
}

struct FiguresUnitPage {
    var header: PageHeader
    var unitName: String
    var isSample: Bool
    var rows: [FigureRow]
    var hasRows: Bool
    var flags: [FigureFlagRow]
    var hasFlags: Bool
    var errorCount: Int
    var warningCount: Int
    var noteCount: Int
    var streetFiguresHref: String
    var indexHref: String
}

struct FigureCell {
    var text: String
    var cellClass: String
}

struct FigureComparisonRow {
    var label: String
    var measure: String
    var cells: [FigureCell]
}

struct FiguresStreetPage {
    var header: PageHeader
    /// Column heads: the street, each community, then 社区合计.
    var columns: [String]
    var rows: [FigureComparisonRow]
    var flags: [FigureFlagRow]
    var hasFlags: Bool
    var errorCount: Int
    var warningCount: Int
    var noteCount: Int
    var hasSampleValues: Bool
}

// MARK: 速查表 (finder)

struct FinderPlace {
    var box: String
    var code: String
    var title: String
}

struct FinderEntry {
    var keyword: String
    var places: [FinderPlace]
}

/// Keywords under one pinyin initial.
struct FinderLetter {
    var letter: String
    var entries: [FinderEntry]
}

/// The 速查表 of a unit for the ledger room: keyword → box and item, by pinyin.
struct FinderPage {
    var header: PageHeader
    var unitName: String
    var fullUnitName: String
    var boxCount: Int
    var letters: [FinderLetter]
}
