/// Decides the folders of a pack: which items each unit holds, and Windows-safe names.
///
/// Names are `code title`, sanitised for Windows and capped per component so that
/// `X:\pack\unit\binder\item\` stays under 190 characters, leaving room for the user's own
/// file names within Windows' 240-character comfort zone. Shortening keeps the code prefix,
/// so names stay unique and sort in binder order; the same input always gives the same names.
public struct PackPlanner: Sendable {
    public static let maxPath = 240
    static let packCap = 40, unitCap = 40, binderCap = 40, itemCap = 60

    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
        shared = workspace.catalogue.categories.map { category in
            category.indicators.map { indicator in
                let items = indicator.items.map { item in
                    (Shared(item), Self.folderName(prefix: item.code, name: item.folder ?? item.title, cap: Self.itemCap))
                }
                return (Shared(indicator), items)
            }
        }
    }

    public func plan() -> PackPlan {
        let street = workspace.street
        let packName = WindowsName.sanitize("\(street.folder ?? street.name)-\(street.year)", maxLength: Self.packCap)
        var units: [UnitPlan] = [streetUnit()]
        let width = max(2, String(street.communities.count).count)
        for (index, community) in street.communities.enumerated() {
            units.append(communityUnit(community, number: Self.pad(index + 1, width)))
        }
        // A unit with nothing to hold (a street-level-only catalogue seen from a community)
        // gets no section at all, unless it reports figures.
        let reporting = Set(workspace.figures.units.map(\.id))
        var plan = PackPlan(folderName: packName, units: units.filter { !$0.binders.isEmpty || reporting.contains($0.id) })
        plan.terms = street.terms
        return plan
    }

    /// `prefix name`, shortened to `cap` UTF-16 units without losing the prefix.
    static func folderName(prefix: String, name: String, cap: Int) -> String {
        let room = max(1, cap - prefix.utf16.count - 1)
        return prefix + " " + WindowsName.sanitize(name, maxLength: room)
    }

    /// `resolved(_:in:)`, sharing the catalogue's item when the unit changes nothing in it.
    func resolved(_ shared: Shared<LedgerItem>, in community: Community?) -> Shared<LedgerItem>? {
        guard let item = resolved(shared.value, in: community) else { return nil }
        return item.documents.map(\.quantity) == shared.value.documents.map(\.quantity) ? shared : Shared(item)
    }

    /// The item with this unit's quantities: the unit's own `<quantity item=…>`, else the
    /// attribute named by `quantityFrom` (the attribute's default for the street section),
    /// else the quantity written on the document. Nil when every document comes to 0 (a
    /// village without 村民小组 keeps no 小组 register).
    func resolved(_ item: LedgerItem, in community: Community?) -> LedgerItem? {
        let override = community?.quantities.first { $0.item == item.code }?.value
        var item = item
        var any = false
        for index in item.documents.indices {
            let document = item.documents[index]
            let fromAttribute = document.quantityFrom.flatMap { from in
                (community?.value(of: from.id) ?? workspace.street.attributeDefinitions.first { $0.name == from.id }?.defaultValue)
                    .flatMap { Int($0.trimmed) }
            }
            if let quantity = override ?? fromAttribute {
                item.documents[index].quantity = min(max(quantity, 0), ExpectedDocument.maximumQuantity)
            }
            any = any || item.documents[index].quantity > 0
        }
        return any || item.documents.isEmpty ? item : nil
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    private func streetUnit() -> UnitPlan {
        let street = workspace.street
        let name = street.name + (street.section ?? "")
        let number = Self.pad(0, max(2, String(street.communities.count).count))
        return UnitPlan(
            kind: .street, id: "street", name: name, number: number,
            folderName: Self.folderName(prefix: number, name: street.folder ?? name, cap: Self.unitCap),
            community: nil, binders: binders(for: nil) { $0.item.level.includesStreet })
    }

    private func communityUnit(_ community: Community, number: String) -> UnitPlan {
        let definitions = workspace.street.attributeDefinitions
        return UnitPlan(
            kind: .community, id: community.id, name: community.name, number: number,
            folderName: Self.folderName(prefix: number, name: community.folder ?? community.name, cap: Self.unitCap),
            community: community,
            binders: binders(for: community) { candidate in
                candidate.item.level.includesCommunities
                    && (candidate.indicator.appliesWhen?.matches(community, definitions: definitions) ?? true)
            })
    }

    /// The catalogue's indicators and items, once, for every unit's plan to share.
    /// Folder names depend on code, folder and title only, so they are shared too.
    private let shared: [[(indicator: Shared<Indicator>, items: [(item: Shared<LedgerItem>, folderName: String)])]]

    private func binders(for community: Community?, including include: (ItemPlan) -> Bool) -> [BinderPlan] {
        zip(workspace.catalogue.categories, shared).compactMap { category, indicators in
            let items = indicators.flatMap { indicator, items in
                items.compactMap { item, folderName in
                    resolved(item, in: community).map { ItemPlan(item: $0, indicator: indicator, folderName: folderName) }
                }
            }.filter(include)
            guard !items.isEmpty else { return nil }
            return BinderPlan(
                category: category,
                folderName: Self.folderName(prefix: category.code, name: category.folder ?? category.name, cap: Self.binderCap),
                items: items)
        }
    }
}
