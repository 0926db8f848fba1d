/// Finds ledger items and documents by words, for the one-hour rule: where is it, which box,
/// which folder, which document of the folder. Reads the catalogue (through the pack plan)
/// and the files the last scan found.
public struct Finder: Sendable {
    /// A file the last scan recorded.
    public struct ScannedFile: Sendable, Equatable {
        public var unit: String
        public var item: String
        /// Relative to the pack root.
        public var path: String

        public init(unit: String, item: String, path: String) {
            self.unit = unit
            self.item = item
            self.path = path
        }
    }

    /// An item that matches, with where to find it.
    public struct Hit: Sendable, Equatable {
        public var unitID: String
        public var unitName: String
        public var boxNumber: Int
        public var boxCount: Int
        public var binderCode: String
        public var binderName: String
        public var itemCode: String
        public var itemTitle: String
        /// `03 制度建设/03.02 社区计生例会记录`, relative to the unit's folder.
        public var folder: String
        /// Matching documents of the item: 1-based position in the item's list, and title.
        public var documents: [Document]
        /// Scanned files of the item whose names match (names relative to the item folder).
        public var files: [String]
        /// All scanned files of the item.
        public var fileCount: Int
    }

    public struct Document: Sendable, Equatable {
        public var position: Int
        public var title: String
        public var quantity: Int
    }

    /// One line of a 速查表: a keyword and where it leads.
    public struct Entry: Sendable, Equatable {
        public var keyword: String
        public var places: [Hit]
    }

    public let plan: PackPlan
    let files: [String: [String]]

    public init(plan: PackPlan, scanned: [ScannedFile]) {
        self.plan = plan
        var files: [String: [String]] = [:]
        for file in scanned { files[file.unit + "\u{1}" + file.item, default: []].append(file.path) }
        self.files = files
    }

    /// Items of `units` (nil: every unit) matching every word (case-insensitive; a word matches
    /// the item's code, title, indicator, box name, documents, keywords or scanned file names).
    public func find(_ words: [String], units: Set<String>? = nil) -> [Hit] {
        let needles = words.flatMap { $0.split(whereSeparator: \.isWhitespace) }.map { $0.lowercased() }.filter { !$0.isEmpty }
        guard !needles.isEmpty else { return [] }
        var hits: [Hit] = []
        for unit in plan.units where units?.contains(unit.id) ?? true {
            // Items kept in place are on the 上墙及实物清单, in no box.
            for (index, binder) in unit.boxes.enumerated() {
                for plan in binder.filedItems {
                    let item = plan.item
                    let scanned = fileNames(unit: unit, binder: binder, item: plan)
                    let hints = item.hints.filter { $0.match != .regex }.map(\.text)
                    let haystack = ([item.code, item.title, plan.indicator.name, binder.category.name] + item.documents.map(\.title) + hints + scanned)
                        .joined(separator: "\n").lowercased()
                    guard needles.allSatisfy({ haystack.contains($0) }) else { continue }
                    let matches: (String) -> Bool = { text in needles.contains { text.lowercased().contains($0) } }
                    var hit = Self.hit(unit, box: index, binder, plan)
                    hit.documents = item.documents.enumerated().filter { matches($0.element.title) }.map {
                        Document(position: $0.offset + 1, title: $0.element.title, quantity: $0.element.quantity)
                    }
                    hit.files = scanned.filter(matches)
                    hit.fileCount = scanned.count
                    hits.append(hit)
                }
            }
        }
        return hits
    }

    /// The 速查表 of one unit: every keyword of its items (the items' file-name keywords and
    /// their titles) with the items it leads to, sorted by pinyin (`PinyinOrder`).
    public func entries(unit: UnitPlan) -> [Entry] {
        var places: [String: [Hit]] = [:]
        for (index, binder) in unit.boxes.enumerated() {
            for plan in binder.filedItems {
                let hit = Self.hit(unit, box: index, binder, plan)
                var words = [plan.item.title]
                for hint in plan.item.hints where hint.match != .regex {
                    words += hint.text.split(whereSeparator: \.isWhitespace).map(String.init)
                }
                for word in Set(words) where !(places[word]?.contains { $0.itemCode == hit.itemCode } ?? false) {
                    places[word, default: []].append(hit)
                }
            }
        }
        return PinyinOrder.sorted(Array(places.keys)).map { Entry(keyword: $0, places: places[$0] ?? []) }
    }

    /// Where an item is, before any document or file is matched; `box` is the 0-based binder index.
    static func hit(_ unit: UnitPlan, box: Int, _ binder: BinderPlan, _ plan: ItemPlan) -> Hit {
        Hit(
            unitID: unit.id, unitName: unit.name, boxNumber: box + 1, boxCount: unit.boxes.count,
            binderCode: binder.category.code, binderName: binder.category.name,
            itemCode: plan.item.code, itemTitle: plan.item.title, folder: binder.folderName + "/" + plan.folderName,
            documents: [], files: [], fileCount: 0)
    }

    func fileNames(unit: UnitPlan, binder: BinderPlan, item: ItemPlan) -> [String] {
        let prefix = PackPaths.relative(unit, binder, item) + "/"
        return (files[unit.id + "\u{1}" + item.item.code] ?? []).map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }.sorted()
    }
}
