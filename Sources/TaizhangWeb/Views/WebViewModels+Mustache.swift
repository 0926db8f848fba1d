import Mustache

// Explicit field lookup for the web view models, so no lookup goes through Mirror and a nil
// optional is absent (not printed as "nil"). Keep these in step with WebViewModels.swift;
// WebViewModelTests renders every web template and fails on a name that resolves to nothing.

extension WebPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "streetName": self.streetName
        case "year": self.year
        case "signedIn": self.viewer != nil
        case "me": self.viewer?.name
        case "csrf": self.viewer?.csrf
        default: (body as? MustacheParent)?.child(named: name)
        }
    }
}

extension SelectOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "name": self.name
        case "selected": self.selected
        default: nil
        }
    }
}

extension LoginPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "loginToken": self.loginToken
        case "error": self.error
        default: nil
        }
    }
}

extension ErrorPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "message": self.message
        case "code": self.code
        default: nil
        }
    }
}

extension DashboardPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "today": self.today
        case "inspectionDate": self.inspectionDate
        case "countdown": self.countdown
        case "units": self.units
        case "groups": self.groups
        case "overdue": self.overdue
        case "hasOverdue": self.hasOverdue
        case "orphaned": self.orphaned
        case "hasOrphaned": self.hasOrphaned
        case "gaps": self.gaps
        case "hasGaps": self.hasGaps
        default: nil
        }
    }
}

extension DashboardPage.UnitRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "number": self.number
        case "name": self.name
        case "items": self.items
        case "done": self.done
        case "filed": self.filed
        case "verified": self.verified
        case "percent": self.percent
        case "flagged": self.flagged
        case "score": self.score
        default: nil
        }
    }
}

extension DashboardPage.GroupRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": self.number
        case "name": self.name
        case "items": self.items
        case "done": self.done
        case "percent": self.percent
        case "openTasks": self.openTasks
        case "overdueTasks": self.overdueTasks
        case "behind": self.behind
        default: nil
        }
    }
}

extension DashboardPage.OverdueTask: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "title": self.title
        case "owner": self.owner
        case "due": self.due
        case "days": self.days
        default: nil
        }
    }
}

extension DashboardPage.GapRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "points": self.points
        case "unit": self.unit
        case "indicator": self.indicator
        case "subject": self.subject
        case "reason": self.reason
        case "group": self.group
        case "task": self.task
        default: nil
        }
    }
}

extension ItemsPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "empty": self.empty
        default: unit?.child(named: name)
        }
    }
}

extension ItemsPage.Unit: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "unitID": self.unitID
        case "unitName": self.unitName
        case "units": self.units
        case "rows": self.rows
        case "count": self.count
        default: nil
        }
    }
}

extension ItemsPage.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": self.code
        case "title": self.title
        case "binder": self.binder
        case "group": self.group
        case "status": self.status
        case "statusClass": self.statusClass
        case "by": self.by
        case "at": self.at
        case "note": self.note
        case "present": self.present
        case "expected": self.expected
        case "flag": self.flag
        default: nil
        }
    }
}

extension TasksPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "tasks": self.tasks
        case "count": self.count
        default: nil
        }
    }
}

extension TasksPage.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "title": self.title
        case "group": self.group
        case "owner": self.owner
        case "due": self.due
        case "state": self.state
        case "done": self.done
        case "overdue": self.overdue
        case "doneBy": self.doneBy
        case "doneAt": self.doneAt
        default: nil
        }
    }
}

extension LogPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "events": self.events
        case "units": self.units
        case "kinds": self.kinds
        case "actor": self.actor
        case "since": self.since
        case "count": self.count
        default: nil
        }
    }
}

extension LogPage.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "at": self.at
        case "actor": self.actor
        case "kind": self.kind
        case "refusal": self.refusal
        case "unit": self.unit
        case "subject": self.subject
        case "change": self.change
        case "note": self.note
        default: nil
        }
    }
}

extension UnitPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "unitID": self.unitID
        case "unitName": self.unitName
        case "binders": self.binders
        case "complete": self.complete
        case "total": self.total
        case "indexHref": self.indexHref
        case "hasIndex": self.hasIndex
        default: nil
        }
    }
}

extension UnitPage.Binder: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "items": self.items
        default: nil
        }
    }
}

extension UnitPage.Item: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": self.code
        case "title": self.title
        case "present": self.present
        case "expected": self.expected
        case "status": self.status
        case "by": self.by
        case "at": self.at
        case "flag": self.flag
        case "complete": self.complete
        default: nil
        }
    }
}

extension FolderPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "path": self.path
        case "parentHref": self.parentHref
        case "entries": self.entries
        case "isEmpty": self.isEmpty
        default: nil
        }
    }
}

extension FolderPage.Entry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "href": self.href
        case "isFolder": self.isFolder
        case "size": self.size
        default: nil
        }
    }
}
