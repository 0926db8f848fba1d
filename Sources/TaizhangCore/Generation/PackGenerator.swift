import Foundation
import TaizhangDiagnostics

/// Assembles a ledger pack: plan → (per unit) inventory → render → write, then the street
/// summary and the manifest. One unit is in memory at a time, so a city of hundreds of
/// communities streams through.
public struct PackGenerator {
    public static let requiredTemplates = [
        "style", "cover", "catalogue", "item-sheet", "spine-labels", "checklist", "index-unit", "index-street",
        "figures-unit", "figures-street", "in-place",
    ]
    public static let walkthroughTemplates = ["style", "walkthrough"]

    public struct Options {
        public var outputRoot: String
        /// Only these communities (ids); nil for the whole pack.
        public var communities: [String]?
        public var dryRun: Bool
        /// Called before each unit is written: (1-based position, count, unit name).
        public var progress: ((Int, Int, String) -> Void)?
        /// The tracker's view of item statuses, shown in the indexes.
        public var statuses: (any ItemStatusSource)?
        /// Tests: the writer stops after this many renames, as if the process were killed.
        var stopAfterCommits: Int?
        /// Inputs of the estimated score beyond the files on disk; nil: files only.
        public var scoring: PackScoring?
        /// The digest of what every unit's pages are made of besides the unit's own files and
        /// statuses (program, options, checklists, templates: `RunCache.inputs`); nil: every
        /// unit is built. See `UnitKey`.
        public var unitInputs: String?
        /// Each community's key from the last run (folder name → key): a community whose key
        /// is unchanged, and whose pages are all still there, is not built again.
        public var previousUnitKeys: [String: String] = [:]

        public init(
            outputRoot: String, communities: [String]? = nil, dryRun: Bool = false,
            progress: ((Int, Int, String) -> Void)? = nil, statuses: (any ItemStatusSource)? = nil
        ) {
            self.outputRoot = outputRoot
            self.communities = communities
            self.dryRun = dryRun
            self.progress = progress
            self.statuses = statuses
        }
    }

    public struct Result {
        public var packRoot: String
        public var plan: PackPlan
        public var report: PackWriter.Report
        public var diagnostics: [Diagnostic]
        public var units: [UnitSummary]
        public var orphans: [String]
        /// Each community's key in this run (folder name → key), for the next run.
        public var unitKeys: [String: String] = [:]
        /// Communities not built again: same key, pages still there.
        public var unitsKept = 0
        /// The generated files as the manifest now lists them.
        public var manifest = Manifest()
    }

    public struct UnitSummary: Sendable {
        public var id: String
        public var name: String
        public var items: Int
        public var completeItems: Int
        /// Signed off in the tracker: 已确认, 已抽验 or 不适用 (what `status` counts as done).
        public var signedOff: Int = 0
        /// Items with a readiness flag (ticked without files, failed mock …).
        public var flagged: Int = 0
        public var present: Int
        public var expected: Int
    }

    public let workspace: Workspace
    public let templates: TemplateSet

    public init(workspace: Workspace, templates: TemplateSet) {
        self.workspace = workspace
        self.templates = templates
    }

    public func generate(_ options: Options) -> Result {
        let plan = PackPlanner(workspace: workspace).plan()
        let paths = PackPaths(outputRoot: options.outputRoot, plan: plan)
        let packRoot = paths.packRoot
        if let problem = PackWriter.folderProblem(packRoot) {
            return Result(packRoot: packRoot, plan: plan, report: .init(), diagnostics: [problem], units: [], orphans: [])
        }
        let writer = PackWriter(packRoot: packRoot, dryRun: options.dryRun)
        writer.stopAfterCommits = options.stopAfterCommits
        let generated = writer.generatedFiles
        let figureFlags = FiguresChecker(workspace: workspace).check()
        var configured = PageRenderer(workspace: workspace, templates: templates, statuses: options.statuses, figureFlags: figureFlags)
        configured.scoring = options.scoring ?? PackScoring(inputs: ScoreInputs(figures: FigureValues(workspace.figures)))
        configured.scoring.plan = plan
        let renderer = configured
        // Every page template must be there before anything is written.
        let missingTemplates = templates.check(Self.requiredTemplates)
        guard missingTemplates.isEmpty else {
            return Result(packRoot: packRoot, plan: plan, report: writer.report, diagnostics: missingTemplates, units: [], orphans: [])
        }
        let selected = options.communities.map(Set.init)
        let inScope: @Sendable (UnitPlan) -> Bool = { unit in
            guard let selected else { return true }
            return unit.kind == .community && selected.contains(unit.id)
        }
        let scopeUnits = plan.units.filter(inScope)
        var summaries: [UnitSummary] = []
        // Leftover folders with the user's files, counted once by the inventories.
        var orphans: [(path: String, files: Int)] = []
        var planned: Set<String> = [GeneratedName.index, GeneratedName.indexXML]
        if !workspace.figures.isEmpty { planned.insert(GeneratedName.streetFigures) }
        var position = 0
        let unitInputs = options.unitInputs, previousUnitKeys = options.previousUnitKeys, statuses = options.statuses
        var unitKeys: [String: String] = [:]
        var unitsKept = 0
        // The last run's pages per unit folder, for units that need not be built again.
        let previousPages: [String: [String]] =
            unitInputs == nil || previousUnitKeys.isEmpty
            ? [:]
            : Dictionary(grouping: writer.previous.entries.keys.filter { $0.contains("/") }) { String($0.prefix { $0 != "/" }) }
        // Render a few units at a time on every core, then write them in order: rendering is
        // most of the work, and only a handful of units is ever in memory.
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var start = 0
        while start < plan.units.count {
            let chunk = Array(plan.units[start..<min(start + width, plan.units.count)])
            start += chunk.count
            // Read edge first: what the users put into these units' folders. Rendering below
            // reads nothing from disk.
            let inventories = Parallel.map(chunk) { unit in
                UnitInventory(unit: unit, unitRoot: paths.unitRoot(unit), generated: generated)
            }
            let rendered = Parallel.map(inventories) { inventory -> Swift.Result<UnitOutcome, Diagnostic> in
                let unit = inventory.unit
                guard inScope(unit) else { return .success(UnitOutcome(files: [])) }
                // A community whose inputs are as the last run saw them keeps its pages, when
                // every one is still there as written; the street's pages read every unit.
                let key = unitInputs.flatMap { base in
                    unit.kind == .community ? UnitKey.make(base: base, unit: unit, inventory: inventory, statuses: statuses, scoring: renderer.scoring) : nil
                }
                if let key, previousUnitKeys[unit.folderName] == key, let pages = previousPages[unit.folderName],
                    pages.allSatisfy(generated.isIntact)
                {
                    return .success(UnitOutcome(files: [], kept: pages, key: key))
                }
                let pages = renderer.unitFiles(unit, inventory: inventory, orphans: inventory.orphans)
                return Swift.Result { () throws(Diagnostic) in
                    UnitOutcome(
                        files: try pages.map { page throws(Diagnostic) in try RenderedPage(page, under: unit.folderName + "/", generated: generated) },
                        key: key)
                }
            }
            for (unit, (inventory, outcome)) in zip(chunk, zip(inventories, rendered)) {
                let files: [RenderedPage]
                switch outcome {
                case .success(let outcome):
                    files = outcome.files
                    if let key = outcome.key { unitKeys[unit.folderName] = key }
                    if let kept = outcome.kept {
                        unitsKept += 1
                        for path in kept {
                            planned.insert(path)
                            writer.keep(path)
                        }
                    }
                case .failure(let diagnostic): return Result(packRoot: packRoot, plan: plan, report: writer.report, diagnostics: [diagnostic], units: summaries, orphans: [])
                }
                orphans += inventory.orphans.map { (unit.folderName + "/" + $0.path, $0.files) }
                summaries.append(inventory.summary(statuses: options.statuses))
                guard inScope(unit) else { continue }
                position += 1
                options.progress?(position, scopeUnits.count, unit.name)
                for file in files {
                    planned.insert(file.path)
                    file.write(to: writer)
                }
                writer.forgetFolders()
            }
        }
        if selected == nil {
            let expectedUnits = Set(plan.units.map(\.folderName))
            for orphan in FileInventory.orphans(in: packRoot, expected: expectedUnits.union([GeneratedName.manifest, GeneratedName.printFolder]), skip: generated.isUnmodified) {
                orphans.append((orphan.name, orphan.files))
            }
            writer.removeStale(inScope: { _ in true }, planned: planned)
        } else {
            let prefixes = scopeUnits.map { $0.folderName + "/" }
            let touched: (String) -> Bool = { path in prefixes.contains { path.hasPrefix($0) } }
            writer.removeStale(inScope: touched, planned: planned)
            writer.carryOver { !touched($0) }
        }
        let orphanRows = orphans.sorted { $0.path < $1.path }.map { orphan in
            OrphanRow(path: orphan.path, href: PageFormat.href(orphan.path.split(separator: "/").map(String.init)), files: orphan.files)
        }
        do throws(Diagnostic) {
            for page in renderer.streetFiles(plan: plan, summaries: summaries, orphans: orphanRows) {
                try RenderedPage(page, under: "", generated: generated).write(to: writer)
            }
        } catch {
            return Result(packRoot: packRoot, plan: plan, report: writer.report, diagnostics: [error], units: summaries, orphans: [])
        }
        writer.writeManifest()
        var diagnostics = writer.diagnostics
        // The figures' contradictions do not stop the pack: they are shown on the 数据统计
        // pages and here as warnings, so people explain a legitimate difference.
        for flag in figureFlags where flag.severity != .note && (selected == nil || selected?.contains(flag.unit) == true) {
            diagnostics.append(flag.diagnostic(severity: .warning))
        }
        for orphan in orphanRows {
            diagnostics.append(
                .warning(
                    "pack.orphaned-folder",
                    "\(orphan.path) is no longer in the catalogue but holds \(orphan.files) of your files; it was kept",
                    at: SourceLocation(file: packRoot + "/" + orphan.path)))
        }
        var result = Result(packRoot: packRoot, plan: plan, report: writer.report, diagnostics: diagnostics, units: summaries, orphans: orphanRows.map(\.path))
        result.unitKeys = unitKeys
        result.unitsKept = unitsKept
        result.manifest = writer.manifest
        return result
    }
}

/// One unit's share of a run: its pages to write, or the last run's pages kept as they are.
struct UnitOutcome: Sendable {
    var files: [RenderedPage]
    var kept: [String]? = nil
    var key: String? = nil
}

/// A generated page ready for the writer: its bytes, or nothing when the last run's file is
/// current (same fingerprint, file still there), so it was not rendered at all.
struct RenderedPage: Sendable {
    let path: String
    let bytes: [UInt8]?
    let fingerprint: String?

    init(_ page: GeneratedPage, under prefix: String, generated: GeneratedFiles) throws(Diagnostic) {
        path = prefix + page.path
        fingerprint = page.fingerprint
        if let fingerprint, generated.isCurrent(path, fingerprint: fingerprint) {
            bytes = nil
        } else {
            bytes = try page.render()
        }
    }

    func write(to writer: PackWriter) {
        if let bytes {
            writer.write(path, bytes, fingerprint: fingerprint)
        } else {
            writer.keep(path)
        }
    }
}

/// What one unit's folder holds now: the user's files per planned item, and leftovers.
struct UnitInventory {
    let unit: UnitPlan
    /// User files per item code.
    let files: [String: [UserFile]]
    /// Folders inside the unit that the plan no longer has but that hold user files.
    let orphans: [(path: String, files: Int)]

    init(unit: UnitPlan, unitRoot: String, generated: GeneratedFiles) {
        self.unit = unit
        var files: [String: [UserFile]] = [:]
        var orphans: [(String, Int)] = []
        let binderNames = Set(unit.binders.map(\.folderName))
        for orphan in FileInventory.orphans(
            in: unitRoot, expected: binderNames.union([GeneratedName.walkthroughFolder, GeneratedName.unsortedFolder]),
            skip: { generated.isUnmodified(unit.folderName + "/" + $0) })
        {
            orphans.append((orphan.name, orphan.files))
        }
        for binder in unit.binders {
            let binderRoot = unitRoot + "/" + binder.folderName
            for item in binder.items {
                files[item.item.code] = FileInventory.userFiles(in: binderRoot + "/" + item.folderName)
            }
            for orphan in FileInventory.orphans(
                in: binderRoot, expected: Set(binder.items.map(\.folderName)),
                skip: { generated.isUnmodified(PackPaths.relative(unit, binder) + "/" + $0) })
            {
                orphans.append((binder.folderName + "/" + orphan.name, orphan.files))
            }
        }
        self.files = files
        self.orphans = orphans
    }

    func present(_ item: ItemPlan) -> Int { files[item.item.code]?.count ?? 0 }

    /// Counts by the one completeness rule: an item marked 不适用 is complete and expects no file.
    func summary(statuses: (any ItemStatusSource)?) -> PackGenerator.UnitSummary {
        let items = unit.items
        var complete = 0, signedOff = 0, flagged = 0, present = 0, expected = 0
        for item in items {
            let status = statuses?.status(unit: unit.id, item: item.item.code)
            let readiness = ItemReadiness(
                item: item.item, present: self.present(item), status: status?.status, note: status?.note, failedMock: status?.flagged ?? false)
            if readiness.completeness.isSatisfied { complete += 1 }
            if readiness.status.isSignedOff { signedOff += 1 }
            if !readiness.flags.isEmpty { flagged += 1 }
            present += readiness.progress.present
            expected += readiness.progress.expected
        }
        var summary = PackGenerator.UnitSummary(
            id: unit.id, name: unit.name, items: items.count, completeItems: complete, present: present, expected: expected)
        summary.signedOff = signedOff
        summary.flagged = flagged
        return summary
    }
}
