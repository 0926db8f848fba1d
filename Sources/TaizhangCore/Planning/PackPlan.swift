/// What a ledger pack contains: computed from the workspace alone, before touching the disk.
public struct PackPlan: Sendable {
    /// The pack folder's name, e.g. `东湖街道-2014`.
    public var folderName: String
    /// The street section first, then the communities in definition order.
    public var units: [UnitPlan]

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
}

/// A numbered binder (one per category with at least one item in the unit).
public struct BinderPlan: Sendable {
    public var category: Category
    public var folderName: String
    public var items: [ItemPlan]
}

/// An item folder inside a binder.
public struct ItemPlan: Sendable {
    public var item: LedgerItem
    public var indicator: Indicator
    public var folderName: String
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
    /// Incoming documents `taizhang file` could not place.
    public static let unsortedFolder = "待分拣"
}
