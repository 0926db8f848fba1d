// View model of the mock-inspection walkthrough sheet (templates/walkthrough.mustache).

struct WalkthroughDocument {
    var binder: String
    var binderName: String
    var position: String
    var code: String
    var title: String
    var document: String
    var present: Int
    var expected: Int
    var status: String
}

struct WalkthroughHousehold {
    var id: String
    var address: String
    var head: String
    var category: String
    var isKey: Bool
    var patchStaff: String
    var facts: String
    var check: String
    var sampled: Bool
    /// The household is a stop of the route (else the escort takes the inspectors there apart).
    var onRoute: Bool
}

struct WalkthroughStop {
    var order: Int
    var name: String
    var isLedgerRoom: Bool
    var isHousehold: Bool
    var notes: String?
    var binders: String
    var documents: [WalkthroughDocument]
    var household: WalkthroughHousehold?
    /// Planned time at this stop, e.g. `09:00–10:00`.
    var time: String
}

/// One line of the escort card's time plan.
struct TimePlanRow {
    var time: String
    var stop: String
}

/// Whom the escort may call.
struct ContactRow {
    var name: String
    var role: String
    var phone: String
}

/// The one-page card the first escort carries: route and time plan, what to know, phones.
struct EscortCard {
    var timePlan: [TimePlanRow]
    var mustKnow: [String]
    var contacts: [ContactRow]
    var hasContacts: Bool
}

struct QuizQuestion {
    var number: Int
    var question: String
    var answer: String
}

struct ContingencyRow {
    var level: String
    var situation: String
    var response: String
    var group: String
}

struct ScoreRow {
    var code: String
    var name: String
    var points: String
    var method: String
    var veto: Bool
    /// The scoring rule in words.
    var rule: String
    /// The indicator has no ledgers in this community (assessed at the street).
    var elsewhere: Bool
}

struct WalkthroughPage {
    var header: PageHeader
    var communityName: String
    var escort: String
    var lead: String
    var checkTeam: String
    var date: String
    var seed: String
    var stops: [WalkthroughStop]
    var sampledHouseholds: [WalkthroughHousehold]
    var documents: [WalkthroughDocument]
    var keyHouseholds: Int
    var trustedHouseholds: Int
    var quiz: [QuizQuestion]
    var contingencies: [ContingencyRow]
    var scores: [ScoreRow]
    /// The catalogue's total points.
    var totalPoints: String
    /// Set when the catalogue lists only some indicators (a partial catalogue).
    var partialNote: String?
    var escortCard: EscortCard
}
