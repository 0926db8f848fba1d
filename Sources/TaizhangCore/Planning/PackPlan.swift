/// What a ledger pack contains: computed from the workspace alone, before touching the disk.
public struct PackPlan: Sendable {
    /// The pack folder's name, e.g. `东湖街道-2014`.
    public var folderName: String
    /// The street section first, then the communities in definition order.
    public var units: [UnitPlan]
    /// What the two levels are called (the street's `terms`), for rules and messages in words.
    public var terms: UnitTerms = .default

    public func unit(id: String) -> UnitPlan? { units.first { $0.id == id } }
}

/// One section of the pack: the street's own ledgers, or one community's.
public struct UnitPlan: Sendable {
    public enum Kind: Sendable, Equatable { case street, community }

    public var kind: Kind
    /// `street` for the street section, else the community id.
    public var id: String
    /// The display name: `东湖街道计生科` or `梧桐山社区`.
    public var name: String
    /// `00`, `01`, …
    public var number: String
    public var folderName: String
    public var community: Community?
    public var binders: [BinderPlan]

    public var items: [ItemPlan] { binders.flatMap(\.items) }
    /// The binders that are boxes on the shelf (numbered 第N盒 共M盒): all but those holding
    /// only items kept in place.
    public var boxes: [BinderPlan] { binders.filter { !$0.isInPlaceOnly } }
    /// Items kept in place (boards, registers …), listed on the unit's 上墙及实物清单 page.
    public var inPlaceItems: [ItemPlan] { items.filter { !$0.item.kind.expectsFiles } }
}

/// A numbered binder (one per category with at least one item in the unit).
public struct BinderPlan: Sendable {
    public var category: Category
    public var folderName: String
    public var items: [ItemPlan]

    /// Every item is kept in place (boards, registers …): the binder is only a heading, with no
    /// folder, cover, catalogue or spine label.
    public var isInPlaceOnly: Bool { items.allSatisfy { !$0.item.kind.expectsFiles } }
    /// The items filed as documents, which get folders, item sheets and catalogue lines.
    public var filedItems: [ItemPlan] { items.filter(\.item.kind.expectsFiles) }
}

/// An item folder inside a binder.
///
/// The item and its indicator are held by reference: a city plan has some 50,000 item folders,
/// and most share the catalogue's item and indicator unchanged (inline copies of both took
/// about 23 MiB of a city run).
public struct ItemPlan: Sendable {
    private let itemBox: Shared<LedgerItem>
    private let indicatorBox: Shared<Indicator>
    public var folderName: String

    // Read in place (`_read`): a getter copied the whole item (every string retained) for each
    // `plan.item.code` read from another module.
    public var item: LedgerItem { _read { yield itemBox.value } }
    public var indicator: Indicator { _read { yield indicatorBox.value } }

    public init(item: LedgerItem, indicator: Indicator, folderName: String) {
        self.init(item: Shared(item), indicator: Shared(indicator), folderName: folderName)
    }

    init(item: Shared<LedgerItem>, indicator: Shared<Indicator>, folderName: String) {
        itemBox = item
        indicatorBox = indicator
        self.folderName = folderName
    }
}

/// An immutable value on the heap, shared by every plan that uses it unchanged.
final class Shared<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Names of the files the generator writes; everything else in a pack belongs to the user.
public enum GeneratedName {
    public static let index = "index.html"
    public static let indexXML = "index.xml"
    public static let spineLabels = "00 脊条.html"
    public static let cover = "00 封面.html"
    public static let binderCatalogue = "00 目录.html"
    public static let itemSheet = "00 说明.html"
    /// A unit's internal preparation checklist (内部): never filed in a binder, never printed with one.
    public static let checklist = "00 准备清单（内部）.html"
    /// Print-ready PDFs (`taizhang print`), at the top of the pack.
    public static let printFolder = "打印"
    /// A unit's figures (数据统计), when the workspace defines figures.
    public static let figures = "00 数据统计.html"
    /// The communities' figures side by side, at the top of the pack.
    public static let streetFigures = "数据统计.html"
    public static let manifest = "taizhang-manifest.tsv"
    /// Walkthrough sheets live here, inside a community's folder, and never in any index.
    public static let walkthroughFolder = "99 模拟检查（内部资料）"
    /// A unit's boards, registers and other items kept in place (上墙及实物清单).
    public static let inPlaceList = "00 上墙及实物清单.html"
    /// Incoming documents `taizhang file` could not place.
    public static let unsortedFolder = "待分拣"
}
