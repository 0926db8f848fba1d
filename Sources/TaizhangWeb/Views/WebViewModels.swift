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
}

struct ErrorPage: Sendable {
    var message: String
    var code: Int
}

struct DashboardPage: Sendable {
    var today: String
    var inspectionDate: String
    var countdown: String
    var units: [UnitRow]
    var groups: [GroupRow]
    var overdue: [OverdueTask]
    var orphaned: [String]
    var gaps: [GapRow]
    var hasGaps: Bool { !gaps.isEmpty }
    var hasOverdue: Bool { !overdue.isEmpty }
    var hasOrphaned: Bool { !orphaned.isEmpty }

    struct UnitRow: Sendable {
        var id: String
        var number: String
        var name: String
        var items: Int
        var done: Int
        var filed: Int
        var verified: Int
        var percent: Int
        /// The count of flagged items, nil when none (the template hides the flag).
        var flagged: String?
        var score: String
    }

    struct GroupRow: Sendable {
        var number: Int
        var name: String
        var items: Int
        var done: Int
        var percent: Int
        var openTasks: Int
        var overdueTasks: Int
        var behind: Bool { overdueTasks > 0 }
    }

    struct OverdueTask: Sendable {
        var id: String
        var title: String
        var owner: String
        var due: String
        var days: Int
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

struct ItemsPage: Sendable {
    /// nil when the person may change nothing (the page says so); the template reads the
    /// unit's fields directly.
    // mustache: fallback
    var unit: Unit?
    var empty: Bool { unit == nil }

    struct Unit: Sendable {
        var unitID: String
        var unitName: String
        var units: [SelectOption]
        var rows: [Row]
        var count: Int { rows.count }
    }

    struct Row: Sendable {
        var code: String
        var title: String
        var binder: String
        var group: String
        var status: String
        var statusClass: String
        var by: String?
        var at: String?
        var note: String?
        var present: Int
        var expected: Int
        var flag: String?
    }
}

struct TasksPage: Sendable {
    var tasks: [Row]
    var count: Int { tasks.count }

    struct Row: Sendable {
        var id: String
        var title: String
        var group: String
        var owner: String
        var due: String
        var state: String
        var done: Bool
        var overdue: Bool
        var doneBy: String?
        var doneAt: String?
    }
}

struct LogPage: Sendable {
    var events: [Row]
    var units: [SelectOption]
    var kinds: [SelectOption]
    var actor: String
    var since: String
    var count: Int { events.count }

    struct Row: Sendable {
        var at: String
        var actor: String
        var kind: String
        var refusal: Bool
        var unit: String
        var subject: String
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
