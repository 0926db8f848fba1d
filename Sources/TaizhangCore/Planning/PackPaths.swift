/// Where one pack's folders are on disk: the one place that joins the plan's folder names into
/// paths, so the generator, the scanner, the walkthrough and the web pages agree on them.
///
/// Absolute paths start at `packRoot`; `relative(…)` gives the same folders relative to the pack
/// root, as the manifest, the tracker's documents and the scan keep them.
public struct PackPaths: Sendable, Equatable {
    /// The pack folder, e.g. `<workspace>/output/东湖街道-2014`.
    public let packRoot: String

    /// The pack of `plan` inside the folder that holds packs (`<workspace>/output` or `--out`).
    public init(outputRoot: String, plan: PackPlan) {
        self.init(packRoot: outputRoot + "/" + plan.folderName)
    }

    /// A pack whose folder is already known (the web server's and the scanner's configuration).
    public init(packRoot: String) {
        self.packRoot = packRoot
    }

    /// One unit's section: the street's own ledgers or one community's.
    public func unitRoot(_ unit: UnitPlan) -> String {
        packRoot + "/" + unit.folderName
    }

    /// One numbered binder of a unit.
    public func binderRoot(_ unit: UnitPlan, _ binder: BinderPlan) -> String {
        packRoot + "/" + Self.relative(unit, binder)
    }

    /// One item folder, where the user puts the item's documents.
    public func itemRoot(_ unit: UnitPlan, _ binder: BinderPlan, _ item: ItemPlan) -> String {
        packRoot + "/" + Self.relative(unit, binder, item)
    }

    /// `unit/binder/item` relative to the pack root, as far as given.
    public static func relative(_ unit: UnitPlan, _ binder: BinderPlan? = nil, _ item: ItemPlan? = nil) -> String {
        [unit.folderName, binder?.folderName, binder == nil ? nil : item?.folderName].compactMap { $0 }.joined(separator: "/")
    }
}
