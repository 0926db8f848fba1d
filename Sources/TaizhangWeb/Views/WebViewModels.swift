/// Typed view models of the web templates (`templates/web-*.mustache`). Their explicit
/// Mustache lookups in WebViewModels+Mustache.swift are generated from this file by
/// Scripts/generate-mustache-lookups.py (`// mustache:` comments steer it).

/// What every page's layout shows (`web-layout-head`), around the page's own model.
struct WebPage<Body: Sendable>: Sendable {
    var title: String
    var streetName: String
    var year: Int
    // mustache: skip
    var viewer: Viewer?
    /// The page's own model: names the layout does not know are looked up in it.
    // mustache: fallback
    var body: Body
    var signedIn: Bool { viewer != nil }
    var me: String? { viewer?.name }
    var csrf: String? { viewer?.csrf }
    /// The district overview: the layout leaves out the street pages' links.
    var districtView: Bool { body is DistrictPage }

    /// The signed-in person, for the header and the forms' CSRF token.
    // mustache: skip
    struct Viewer: Sendable {
        var name: String
        var csrf: String
    }
}

/// One choice of a `<select>`.
struct SelectOption: Sendable {
    var id: String
    var name: String
    var selected: Bool
}

struct LoginPage: Sendable {
    var loginToken: String
    var error: String?
    /// On a district's sign-in page: each street's own sign-in page, for its people.
    var streets: [DistrictPage.Link] = []
    var isDistrict: Bool = false
}

struct ErrorPage: Sendable {
    var message: String
    var code: Int
}

/// A number on the dashboard and the filtered list behind it.
struct Figure: Sendable {
    var value: String
    var href: String
}

struct DashboardPage: Sendable {
    var today: String
    var inspectionDate: String
    var countdown: String
    var total: UnitRow
    var units: [UnitRow]
    var groups: [GroupRow]
    var overdue: [TaskRow]
    var dueSoon: [TaskRow]
    var blocked: [TaskRow]
    var veto: [VetoRow]
    var orphaned: [String]
    var gaps: [GapRow]
    var hasGaps: Bool { !gaps.isEmpty }
    var hasOverdue: Bool { !overdue.isEmpty }
    var hasDueSoon: Bool { !dueSoon.isEmpty }
    var hasBlocked: Bool { !blocked.isEmpty }
    var hasVeto: Bool { !veto.isEmpty }
    var vetoCount: Int { veto.count }
    var hasOrphaned: Bool { !orphaned.isEmpty }

    /// A unit, or the street total: status progress and document completeness side by side.
    struct UnitRow: Sendable {
        var id: String
        var number: String
        var name: String
        var href: String
        var items: Figure
        var done: Figure
        var filed: Figure
        var percent: Int
        var complete: Figure
        var filesPercent: Int
        var claimedIncomplete: Figure
        var failedMocks: Figure
        var score: String
    }

    struct GroupRow: Sendable {
        var id: String
        var number: Int
        var name: String
        var items: Figure
        var done: Figure
        var percent: Int
        var openTasks: Figure
        var overdueTasks: Figure
        var behind: Bool
        var dubanHref: String
    }

    struct TaskRow: Sendable {
        var id: String
        var title: String
        var group: String
        var owner: String
        var due: String
        /// Days overdue, or days left for tasks due soon.
        var days: Int
        var reason: String?
        var href: String
    }

    /// A 一票否决 item that is not yet safe.
    struct VetoRow: Sendable {
        var unit: String
        var code: String
        var title: String
        var indicator: String
        var reason: String
        var href: String
    }

    /// What to fix first: a gap and the points closing it would recover.
    struct GapRow: Sendable {
        var points: String
        var unit: String
        var indicator: String
        var subject: String
        var reason: String
        var group: String
        var task: String?
    }
}

/// A group's 督办单: its overdue tasks and those due within seven days, on one printed page.
struct DubanPage: Sendable {
    var group: String
    var lead: String
    var today: String
    var countdown: String
    var overdue: [DashboardPage.TaskRow]
    var dueSoon: [DashboardPage.TaskRow]
    var blocked: [DashboardPage.TaskRow]
    var openItems: Int
    var openItemsHref: String
    var isEmpty: Bool { overdue.isEmpty && dueSoon.isEmpty && blocked.isEmpty }
}

struct ItemsPage: Sendable {
    var units: [SelectOption]
    var binders: [SelectOption]
    var groups: [SelectOption]
    var statuses: [SelectOption]
    var flags: [SelectOption]
    var text: String
    var all: Bool
    /// The filter as a query string, carried by the forms so a change returns to the same list.
    var query: String
    var mineHref: String
    var allHref: String
    var flash: String?
    var rows: [Row]
    /// The one unit shown, when the list is of one unit (the upload form files into it).
    var unitID: String?
    var unitName: String?
    var canUpload: Bool
    /// The person may change no item at all (the page says so).
    var noneOfMine: Bool
    var count: Int { rows.count }
    var isEmpty: Bool { rows.isEmpty }
    var canBulk: Bool { rows.contains { $0.changeable } }

    /// A class: the template looks every field up in the same row, and a struct this size was
    /// copied (every string retained) each time it became a template context. A fragment: a
    /// session's reload copies the bytes of a row whose fields are all unchanged (PageFragments).
    // mustache: fragment
    final class Row: Sendable {
        let anchor: String
        let unitID: String
        let unitName: String
        let code: String
        let title: String
        let binder: String
        let group: String
        let status: String
        let statusClass: String
        let by: String?
        let at: String?
        let note: String?
        let present: Int
        let expected: Int
        let flag: String?
        let changeable: Bool
        /// 撤销一步 only where there is a step to undo.
        let canUndo: Bool
        let detailHref: String
        let sheetHref: String?

        init(
            anchor: String, unitID: String, unitName: String, code: String, title: String, binder: String, group: String, status: String, statusClass: String, by: String?, at: String?, note: String?,
            present: Int, expected: Int, flag: String?, changeable: Bool, canUndo: Bool, detailHref: String, sheetHref: String?
        ) {
            self.anchor = anchor
            self.unitID = unitID
            self.unitName = unitName
            self.code = code
            self.title = title
            self.binder = binder
            self.group = group
            self.status = status
            self.statusClass = statusClass
            self.by = by
            self.at = at
            self.note = note
            self.present = present
            self.expected = expected
            self.flag = flag
            self.changeable = changeable
            self.canUndo = canUndo
            self.detailHref = detailHref
            self.sheetHref = sheetHref
        }
    }
}

/// One item of one unit: its status, its documents (download links) and the upload form.
struct ItemPage: Sendable {
    var unitID: String
    var unitName: String
    var code: String
    /// Not `title`: the layout's page title would shadow it.
    var itemTitle: String
    var binder: String
    var group: String
    var status: String
    var flag: String?
    var present: Int
    var expected: Int
    var documents: [Document]
    var sheetHref: String?
    var folderHref: String?
    var changeable: Bool
    var limit: String
    var hasDocuments: Bool { !documents.isEmpty }

    struct Document: Sendable {
        var name: String
        var href: String
        var size: String
    }
}

/// What a bulk change or an upload did, item by item or file by file.
struct ResultPage: Sendable {
    var heading: String
    var summary: String
    var rows: [Row]
    var backHref: String
    var hasRows: Bool { !rows.isEmpty }

    struct Row: Sendable {
        var subject: String
        var outcome: String
        var refused: Bool
    }
}

struct TasksPage: Sendable {
    var tasks: [Row]
    var groups: [SelectOption]
    var states: [SelectOption]
    var mine: Bool
    var flash: String?
    var query: String
    var count: Int { tasks.count }

    struct Row: Sendable {
        var id: String
        var title: String
        var group: String
        var owner: String
        var due: String
        var state: String
        var stateClass: String
        var done: Bool
        var blocked: Bool
        var reason: String?
        var overdue: Bool
        var doneBy: String?
        var doneAt: String?
        var changeable: Bool
    }
}

struct LogPage: Sendable {
    var events: [Row]
    var units: [SelectOption]
    var kinds: [SelectOption]
    var actor: String
    var since: String
    var csvHref: String
    var count: Int { events.count }

    struct Row: Sendable {
        var at: String
        var actor: String
        var kind: String
        var refusal: Bool
        var unit: String
        var subject: String
        var title: String
        var change: String
        var note: String?
    }
}

struct UnitPage: Sendable {
    var unitID: String
    var unitName: String
    var binders: [Binder]
    var complete: Int
    var total: Int
    /// The unit's generated index under /pack/, nil when not generated yet.
    var indexHref: String?
    var hasIndex: Bool { indexHref != nil }
    /// The zip for the USB stick, with 内部资料 only for the preparation team.
    var zipHref: String?
    var internalZipHref: String?
    /// The section's print-ready PDF, and the 准备清单（内部） PDF only for the preparation team.
    var pdfHref: String? = nil
    var checklistPDFHref: String? = nil

    struct Binder: Sendable {
        var name: String
        var items: [Item]
    }

    struct Item: Sendable {
        var code: String
        var title: String
        var present: Int
        var expected: Int
        var status: String
        var by: String?
        var at: String?
        /// The core's readiness flags (`ItemReadiness`), the same as in print.
        var flag: String?
        /// Complete as the core counts it (不适用 included).
        var complete: Bool
    }
}

/// A folder of the pack, listed read-only.
struct FolderPage: Sendable {
    var path: String
    var parentHref: String?
    var entries: [Entry]
    var isEmpty: Bool { entries.isEmpty }

    struct Entry: Sendable {
        var name: String
        var href: String
        var isFolder: Bool
        var size: String
    }
}

/// The district overview (`serve --district`): one row per street, its figures from the
/// street's own status report, score estimate and gaps.
struct DistrictPage: Sendable {
    var district: String
    var today: String
    var rows: [Row]

    struct Row: Sendable {
        var id: String
        var name: String
        var href: String
        /// Items signed off (已确认, 已抽验, 不适用) and all items.
        var ready: Int
        var items: Int
        var percent: Int
        var score: String
        /// Points the estimate loses on open gaps.
        var atStake: String
        /// Overdue tasks: exactly those `overdueHref` (the street's tasks page, 已逾期) lists.
        var overdue: Int
        var overdueHref: String
        /// Items whose monthly documents are overdue (`StatusReport` counts them with the tasks;
        /// the tasks page does not list them, so the overview shows them apart).
        var lateDocuments: Int
        var countdown: String
        var inspectionPassed: Bool
    }

    struct Link: Sendable {
        var name: String
        var href: String
    }
}
