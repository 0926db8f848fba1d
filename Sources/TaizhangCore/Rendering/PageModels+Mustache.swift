import Mustache

// Explicit field lookup for the view models: swift-mustache otherwise reflects every
// lookup through Mirror, which was more than half of generation time at city scale.
// Keep these in step with PageModels.swift: TemplateModelTests fails on any model field
// that its lookup does not resolve.

extension PageHeader: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "streetName": self.streetName
        case "office": self.office
        case "year": self.year
        case "assessmentTitle": self.assessmentTitle
        case "periodText": self.periodText
        case "inspectionDate": self.inspectionDate
        default: nil
        }
    }
}

extension DocumentRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "quantity": self.quantity
        case "period": self.period
        case "date": self.date
        default: nil
        }
    }
}

extension ItemRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": self.code
        case "title": self.title
        case "folder": self.folder
        case "href": self.href
        case "indicatorCode": self.indicatorCode
        case "indicatorName": self.indicatorName
        case "points": self.points
        case "rule": self.rule
        case "method": self.method
        case "group": self.group
        case "documents": self.documents
        case "expected": self.expected
        default: nil
        }
    }
}

extension CoverPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "unitName": self.unitName
        case "binderNumber": self.binderNumber
        case "categoryName": self.categoryName
        case "itemCount": self.itemCount
        case "groups": self.groups
        case "items": self.items
        default: nil
        }
    }
}

extension CataloguePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "unitName": self.unitName
        case "binderNumber": self.binderNumber
        case "categoryName": self.categoryName
        case "points": self.points
        case "items": self.items
        default: nil
        }
    }
}

extension ItemSheetPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "unitName": self.unitName
        case "binderNumber": self.binderNumber
        case "categoryName": self.categoryName
        case "code": self.code
        case "title": self.title
        case "level": self.level
        case "groupName": self.groupName
        case "groupLead": self.groupLead
        case "indicatorCode": self.indicatorCode
        case "indicatorName": self.indicatorName
        case "points": self.points
        case "rule": self.rule
        case "veto": self.veto
        case "method": self.method
        case "standard": self.standard
        case "documents": self.documents
        case "expected": self.expected
        case "hints": self.hints
        case "hasHints": self.hasHints
        case "note": self.note
        default: nil
        }
    }
}

extension SpineLabel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "streetName": self.streetName
        case "unitName": self.unitName
        case "binderNumber": self.binderNumber
        case "categoryName": self.categoryName
        case "year": self.year
        default: nil
        }
    }
}

extension SpinePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "unitName": self.unitName
        case "labels": self.labels
        default: nil
        }
    }
}

extension FileRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "href": self.href
        case "size": self.size
        case "bytes": self.bytes
        case "modified": self.modified
        case "modifiedISO": self.modifiedISO
        default: nil
        }
    }
}

extension IndexItemRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": self.code
        case "title": self.title
        case "href": self.href
        case "expected": self.expected
        case "present": self.present
        case "state": self.state
        case "stateClass": self.stateClass
        case "files": self.files
        case "hasFiles": self.hasFiles
        case "groupName": self.groupName
        case "trackerStatus": self.trackerStatus
        case "trackerBy": self.trackerBy
        case "trackerAt": self.trackerAt
        case "flag": self.flag
        case "missingMonths": self.missingMonths
        default: nil
        }
    }
}

extension IndexBinderRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": self.number
        case "name": self.name
        case "href": self.href
        case "items": self.items
        case "present": self.present
        case "expected": self.expected
        default: nil
        }
    }
}

extension OrphanRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "path": self.path
        case "href": self.href
        case "files": self.files
        default: nil
        }
    }
}

extension UnitIndexPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "unitName": self.unitName
        case "isStreet": self.isStreet
        case "binders": self.binders
        case "missing": self.missing
        case "hasMissing": self.hasMissing
        case "score": self.score
        case "gaps": self.gaps
        case "hasGaps": self.hasGaps
        case "orphans": self.orphans
        case "hasOrphans": self.hasOrphans
        case "itemCount": self.itemCount
        case "completeItems": self.completeItems
        case "present": self.present
        case "expected": self.expected
        case "percent": self.percent
        case "streetIndexHref": self.streetIndexHref
        case "figuresHref": self.figuresHref
        default: nil
        }
    }
}

extension StreetUnitRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": self.number
        case "name": self.name
        case "href": self.href
        case "binders": self.binders
        case "items": self.items
        case "completeItems": self.completeItems
        case "missingItems": self.missingItems
        case "missingClass": self.missingClass
        case "present": self.present
        case "expected": self.expected
        case "percent": self.percent
        case "barWidth": self.barWidth
        default: nil
        }
    }
}

extension StreetIndexPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "units": self.units
        case "orphans": self.orphans
        case "hasOrphans": self.hasOrphans
        case "totalItems": self.totalItems
        case "totalComplete": self.totalComplete
        case "totalPresent": self.totalPresent
        case "totalExpected": self.totalExpected
        case "percent": self.percent
        case "figuresHref": self.figuresHref
        default: nil
        }
    }
}

extension FigureRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": self.label
        case "measure": self.measure
        case "reported": self.reported
        case "recomputed": self.recomputed
        case "flags": self.flags
        case "rowClass": self.rowClass
        default: nil
        }
    }
}

extension FigureFlagRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "unitName": self.unitName
        case "label": self.label
        case "severity": self.severity
        case "severityClass": self.severityClass
        case "arithmetic": self.arithmetic
        case "rule": self.rule
        case "explanation": self.explanation
        default: nil
        }
    }
}

extension FiguresUnitPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "unitName": self.unitName
        case "isSample": self.isSample
        case "rows": self.rows
        case "hasRows": self.hasRows
        case "flags": self.flags
        case "hasFlags": self.hasFlags
        case "errorCount": self.errorCount
        case "warningCount": self.warningCount
        case "noteCount": self.noteCount
        case "streetFiguresHref": self.streetFiguresHref
        case "indexHref": self.indexHref
        default: nil
        }
    }
}

extension FigureCell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": self.text
        case "cellClass": self.cellClass
        default: nil
        }
    }
}

extension FigureComparisonRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": self.label
        case "measure": self.measure
        case "cells": self.cells
        default: nil
        }
    }
}

extension FiguresStreetPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "columns": self.columns
        case "rows": self.rows
        case "flags": self.flags
        case "hasFlags": self.hasFlags
        case "errorCount": self.errorCount
        case "warningCount": self.warningCount
        case "noteCount": self.noteCount
        case "hasSampleValues": self.hasSampleValues
        default: nil
        }
    }
}

extension ScoreDeductionRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "amount": self.amount
        case "subject": self.subject
        case "reason": self.reason
        default: nil
        }
    }
}

extension ScoreIndicatorRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": self.code
        case "name": self.name
        case "points": self.points
        case "earned": self.earned
        case "rule": self.rule
        case "deductions": self.deductions
        default: nil
        }
    }
}

extension ScoreSection: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "total": self.total
        case "maximum": self.maximum
        case "vetoed": self.vetoed
        case "indicators": self.indicators
        default: nil
        }
    }
}

extension GapRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": self.rank
        case "points": self.points
        case "indicator": self.indicator
        case "subject": self.subject
        case "reason": self.reason
        case "group": self.group
        case "task": self.task
        default: nil
        }
    }
}
