import Mustache

// Explicit field lookups (see PageModels+Mustache.swift for why).

extension WalkthroughDocument: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "binder": self.binder
        case "binderName": self.binderName
        case "position": self.position
        case "code": self.code
        case "title": self.title
        case "document": self.document
        case "present": self.present
        case "expected": self.expected
        case "status": self.status
        default: nil
        }
    }
}

extension WalkthroughHousehold: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "address": self.address
        case "head": self.head
        case "category": self.category
        case "isKey": self.isKey
        case "patchStaff": self.patchStaff
        case "facts": self.facts
        case "check": self.check
        case "sampled": self.sampled
        default: nil
        }
    }
}

extension WalkthroughStop: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "order": self.order
        case "name": self.name
        case "isLedgerRoom": self.isLedgerRoom
        case "isHousehold": self.isHousehold
        case "notes": self.notes
        case "binders": self.binders
        case "documents": self.documents
        case "household": self.household
        default: nil
        }
    }
}

extension QuizQuestion: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": self.number
        case "question": self.question
        case "answer": self.answer
        default: nil
        }
    }
}

extension ContingencyRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "level": self.level
        case "situation": self.situation
        case "response": self.response
        case "group": self.group
        default: nil
        }
    }
}

extension ScoreRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "code": self.code
        case "name": self.name
        case "points": self.points
        case "method": self.method
        case "veto": self.veto
        case "rule": self.rule
        case "elsewhere": self.elsewhere
        default: nil
        }
    }
}

extension WalkthroughPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": self.header
        case "communityName": self.communityName
        case "escort": self.escort
        case "lead": self.lead
        case "checkTeam": self.checkTeam
        case "date": self.date
        case "seed": self.seed
        case "command": self.command
        case "stops": self.stops
        case "sampledHouseholds": self.sampledHouseholds
        case "documents": self.documents
        case "keyHouseholds": self.keyHouseholds
        case "trustedHouseholds": self.trustedHouseholds
        case "quiz": self.quiz
        case "contingencies": self.contingencies
        case "scores": self.scores
        case "totalPoints": self.totalPoints
        case "partialNote": self.partialNote
        default: nil
        }
    }
}
