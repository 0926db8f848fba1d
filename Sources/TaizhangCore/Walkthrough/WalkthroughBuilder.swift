import Foundation
import TaizhangDiagnostics

/// Builds the mock-inspection walkthrough sheet of one community: the route stop by stop, a
/// spot-check sample of households and documents, an escort quiz with its answer key, the
/// contingency plan, a scoring table and sign-off lines.
public struct WalkthroughBuilder {
    public struct Options: Sendable {
        public var seed: UInt64
        public var households: Int
        public var documents: Int
        /// Printed as the date of the check; blank (to fill in by hand) when nil.
        public var date: Day?
        /// When the inspectors arrive, minutes after midnight (the time plan starts here).
        public var start: Int

        public init(seed: UInt64, households: Int = 5, documents: Int = 8, date: Day? = nil, start: Int = 9 * 60) {
            self.seed = seed
            self.households = households
            self.documents = documents
            self.date = date
            self.start = start
        }
    }

    public let workspace: Workspace
    public let unit: UnitPlan
    public let data: WalkthroughData
    /// User files present per item code (from the pack on disk).
    public let present: [String: Int]
    public let statuses: (any ItemStatusSource)?

    public init(workspace: Workspace, unit: UnitPlan, data: WalkthroughData, present: [String: Int], statuses: (any ItemStatusSource)?) {
        self.workspace = workspace
        self.unit = unit
        self.data = data
        self.present = present
        self.statuses = statuses
    }

    /// The user files now in each of the unit's item folders.
    public static func presentCounts(unit: UnitPlan, paths: PackPaths) -> [String: Int] {
        var counts: [String: Int] = [:]
        for binder in unit.binders {
            for item in binder.items {
                counts[item.item.code] = FileInventory.userFiles(in: paths.itemRoot(unit, binder, item)).count
            }
        }
        return counts
    }

    func page(_ options: Options) -> WalkthroughPage {
        var sampler = SpotCheckSampler(seed: options.seed)
        let street = workspace.street
        let renderer = PageHeaderSource(workspace: workspace)

        // Documents an inspector would ask for.
        let candidates = unit.boxes.flatMap { binder in binder.filedItems.map { (binder, $0) } }
        let sampledItems = sampler.sample(candidates, count: options.documents) { _, item in
            let status = statuses?.status(unit: unit.id, item: item.item.code)?.status
            let signedOff = status == .ticked || status == .verified || status == .notApplicable
            return SpotCheckSampler.weight(hasFiles: (present[item.item.code] ?? 0) > 0, signedOff: signedOff)
        }
        let documents = sampledItems.map { binder, item -> WalkthroughDocument in
            let document =
                item.item.documents.isEmpty
                ? item.item.title
                : item.item.documents[sampler.generator.below(item.item.documents.count)].title
            return WalkthroughDocument(
                binder: String(Self.boxNumber(binder, in: unit)), binderName: binder.category.name,
                position: String(item.item.code.split(separator: ".").last ?? ""), code: item.item.code, title: item.item.title,
                document: document, present: present[item.item.code] ?? 0, expected: item.item.expectedCount,
                status: statuses?.status(unit: unit.id, item: item.item.code)?.status.chinese ?? ItemStatus.notReviewed.chinese)
        }

        // Households an inspector would pick, on the route or not.
        let sampledIDs = Set(sampler.sample(data.households, count: options.households, weight: SpotCheckSampler.weight).map(\.id))
        let routeIDs = Set(data.route.compactMap(\.householdID))
        func row(_ h: Household) -> WalkthroughHousehold {
            WalkthroughHousehold(
                id: h.id, address: h.address, head: h.head, category: h.category.rawValue, isKey: h.category == .key,
                patchStaff: h.patchStaff, facts: h.facts, check: Self.whatToCheck(h), sampled: sampledIDs.contains(h.id),
                onRoute: routeIDs.contains(h.id))
        }
        var clock = TimePlan(start: options.start)
        let stops = data.route.map { stop -> WalkthroughStop in
            WalkthroughStop(
                order: stop.order, name: stop.name, isLedgerRoom: stop.kind == .ledgerRoom, isHousehold: stop.kind == .household,
                notes: stop.notes.isEmpty ? nil : stop.notes,
                binders: stop.kind == .ledgerRoom ? unit.boxes.map { "\($0.category.code) \($0.category.name)" }.joined(separator: "、") : "",
                documents: stop.kind == .ledgerRoom ? documents : [],
                household: stop.householdID.flatMap(data.household).map(row),
                time: clock.next(TimePlan.minutes(stop.kind)))
        }
        let sampledHouseholds = data.households.filter { sampledIDs.contains($0.id) }.map(row)
        // Sampled households off the route come after it, in the time plan too.
        var timePlan = stops.map { TimePlanRow(time: $0.time, stop: "第 \($0.order) 站 · \($0.name)") }
        for household in sampledHouseholds where !household.onRoute {
            timePlan.append(TimePlanRow(time: clock.next(TimePlan.minutes(.household)), stop: "抽查户 · \(household.address)（\(household.id)）"))
        }

        let quiz = Self.quiz(
            onRoute: data.route.compactMap { $0.householdID.flatMap(data.household) }, unit: unit, candidates: candidates, street: street, sampler: &sampler)

        // Scoring: every scored indicator of the catalogue, so that the total is the catalogue's;
        // indicators without ledgers in this community are marked as assessed elsewhere.
        let here = Set(unit.items.map(\.indicator.code))
        let scores = workspace.catalogue.allIndicators.filter(\.isScored).map { indicator in
            ScoreRow(
                code: indicator.code, name: indicator.name, points: indicator.points.description,
                method: indicator.method.chinese, veto: indicator.isVeto, rule: RuleText.describe(indicator, terms: street.terms),
                elsewhere: !here.contains(indicator.code))
        }
        let listed = workspace.catalogue.allIndicators.reduce(Decimal2.zero) { $0 + $1.points }
        let total = workspace.catalogue.declaredTotal

        let people = street.people.filter { $0.community?.id == unit.id }
        let escort = people.first { $0.roles.contains(.firstEscort) } ?? people.first { $0.roles.contains(.escort) }
        let lead = unit.community?.lead.flatMap { street.person($0.id) }
        var checkTeamIDs: [String] = []
        for group in street.groups where group.role == .checkTeam {
            for id in [group.lead.id] + group.members.map(\.id) where !checkTeamIDs.contains(id) { checkTeamIDs.append(id) }
        }
        let checkTeam = checkTeamIDs.compactMap { street.person($0)?.name }.joined(separator: "、")
        // Whom the escort may call: escort, community lead, check team, preparation team.
        var contactIDs: [String] = []
        for id in [escort?.id, lead?.id].compactMap({ $0 }) + checkTeamIDs + street.people.filter(\.isPreparationTeam).map(\.id)
        where !contactIDs.contains(id) {
            contactIDs.append(id)
        }
        let contacts = contactIDs.compactMap { street.person($0) }.filter { $0.phone != nil }.map {
            ContactRow(name: $0.name, role: $0.role, phone: $0.phone ?? "")
        }
        return WalkthroughPage(
            header: renderer.header, communityName: unit.name,
            escort: escort?.nameWithTitle ?? "",
            lead: lead?.nameWithTitle ?? "",
            checkTeam: checkTeam, date: options.date?.chinese ?? "", seed: String(options.seed),
            stops: stops, sampledHouseholds: sampledHouseholds, documents: documents,
            keyHouseholds: data.households.filter { $0.category == .key }.count,
            trustedHouseholds: data.households.filter { $0.category == .trusted }.count,
            quiz: quiz,
            contingencies: street.contingencies.map { c in
                ContingencyRow(
                    level: c.level, situation: c.situation, response: c.response,
                    group: street.group(c.group.id)?.label ?? c.group.id)
            },
            scores: scores, totalPoints: scores.isEmpty ? "不计分" : total.description,
            partialNote: listed == total ? nil : "目录仅列出部分指标（已列 \(listed) 分）",
            escortCard: EscortCard(
                timePlan: timePlan,
                mustKnow: (stops.compactMap(\.household) + sampledHouseholds.filter { !$0.onRoute }).map { h in
                    "\(h.id) \(h.address)，户主 \(h.head)（\(h.category)，包片 \(h.patchStaff)）" + (h.facts.isEmpty ? "" : "：\(h.facts)")
                },
                contacts: contacts, hasContacts: !contacts.isEmpty))
    }

    /// The escort quiz: facts the escort must know by heart. Each household is asked about in
    /// one question only, and no question names what another asks for (Q4 once gave Q2's
    /// answer away by naming the household's head).
    static func quiz(onRoute: [Household], unit: UnitPlan, candidates: [(BinderPlan, ItemPlan)], street: Street, sampler: inout SpotCheckSampler) -> [QuizQuestion] {
        var questions: [(String, String)] = []
        var used = Set<String>()
        let keyHousehold = sampler.sample(onRoute.filter { $0.category == .key }, count: 1, weight: { _ in 1 }).first
        if let keyHousehold { used.insert(keyHousehold.id) }
        let headQuestions = sampler.sample(onRoute.filter { !used.contains($0.id) }, count: 3, weight: SpotCheckSampler.weight)
        for h in headQuestions {
            used.insert(h.id)
            questions.append(("\(h.address) 的户主是谁？属于哪类户？", "\(h.head)，\(h.category.rawValue)"))
        }
        if let h = keyHousehold {
            questions.append(("重点户 \(h.address)（户主 \(h.head)）有什么情况需要掌握？", h.facts.isEmpty ? "（未填写须知情况）" : h.facts))
        }
        if let h = sampler.sample(onRoute.filter { !used.contains($0.id) }, count: 1, weight: { _ in 1 }).first {
            questions.append(("\(h.address) 由哪位包片人员负责？", h.patchStaff))
        }
        let keyOnRoute = onRoute.filter { $0.category == .key }.count
        questions.append(("陪调路线上有几户重点户？几户放心户？", "重点户 \(keyOnRoute) 户，放心户 \(onRoute.filter { $0.category == .trusted }.count) 户"))
        if let (binder, item) = sampler.sample(candidates, count: 1, weight: { _ in 1 }).first {
            questions.append(("检查组要查看“\(item.item.title)”，在哪个档案盒、哪个文件夹？", "第 \(boxNumber(binder, in: unit)) 盒「\(binder.category.name)」，文件夹 \(item.folderName)"))
        }
        for contingency in sampler.sample(street.contingencies, count: 2, weight: { _ in 1 }) {
            questions.append(("陪调中遇到“\(contingency.situation)”，应当怎么办？", contingency.response))
        }
        return questions.enumerated().map { QuizQuestion(number: $0.offset + 1, question: $0.element.0, answer: $0.element.1) }
    }

    /// The binder's 1-based position among the unit's boxes, as covers and spines number them.
    static func boxNumber(_ binder: BinderPlan, in unit: UnitPlan) -> Int {
        (unit.boxes.firstIndex { $0.category.code == binder.category.code } ?? 0) + 1
    }

    static func whatToCheck(_ h: Household) -> String {
        switch h.category {
        case .key: "重点核查：核对家庭成员与信息系统是否一致，查看节育措施、查环查孕和随访记录，询问近期生育情况"
        case .trusted: "核对户籍和婚育信息，请户主确认计生服务情况"
        case .ordinary: "核对家庭成员、婚育和节育信息是否与信息系统一致"
        }
    }

    /// Renders the sheet (UTF-8 HTML).
    public func render(_ options: Options, templates: TemplateSet) throws(Diagnostic) -> [UInt8] {
        try templates.render("walkthrough", page(options))
    }
}

/// The walkthrough's time plan: stops one after another, with the way between them.
struct TimePlan {
    var now: Int
    static let walk = 10

    init(start: Int) { now = start }

    static func minutes(_ kind: RouteStop.Kind) -> Int {
        switch kind {
        case .ledgerRoom: 60
        case .household: 20
        case .other: 15
        }
    }

    /// `09:00–10:00` for a stop of `minutes`, then the walk to the next one.
    mutating func next(_ minutes: Int) -> String {
        let text = "\(Self.clock(now))–\(Self.clock(now + minutes))"
        now += minutes + Self.walk
        return text
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60 % 24, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// The page header shared with the pack renderer.
struct PageHeaderSource {
    let workspace: Workspace
    var header: PageHeader {
        let street = workspace.street
        let title = workspace.catalogue.name ?? "\(street.year)年度人口计生目标管理责任制考核台账"
        return PageHeader(
            streetName: street.name, office: street.office ?? street.name, year: street.year,
            assessmentTitle: title, ledgerTitle: title.hasSuffix("目录") ? String(title.dropLast(2)) : title,
            periodText: "\(street.periodStart.chinese)至\(street.periodEnd.chinese)",
            inspectionDate: street.inspectionDate.chinese, terms: PageTerms(upper: street.terms.upper, lower: street.terms.lower))
    }
}

/// Puts walkthrough sheets into `<unit>/99 模拟检查（内部资料）/`, the only place in a pack
/// where household data may appear. Never overwrites: an existing file with other content
/// gets a numbered sibling instead.
public enum WalkthroughWriter {
    public static func write(_ bytes: [UInt8], unitRoot: String, seed: UInt64) throws -> String {
        let folder = unitRoot + "/" + GeneratedName.walkthroughFolder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = "模拟检查单-种子\(seed)"
        var attempt = 1
        while true {
            let path = folder + "/" + base + (attempt == 1 ? "" : " (\(attempt))") + ".html"
            guard let existing = FileManager.default.contents(atPath: path) else {
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
                return path
            }
            if existing == Data(bytes) { return path }
            attempt += 1
        }
    }
}
