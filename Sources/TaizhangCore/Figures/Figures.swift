import TaizhangDiagnostics

/// The statistics of the statistical year that inspectors recompute (数据统计): figure
/// definitions, the rules that tie them together, and the values each unit reports.
///
/// Defined in `checklists/figures.xml` (root `<figures>`, included from the master file).
public struct Figures: Sendable {
    public var definitions: [FigureDefinition]
    public var rules: [FigureRule]
    public var values: [ReportedFigure] {
        didSet { positions = Self.positions(of: values) }
    }
    /// Where each (figure, unit) pair stands in `values`: pages and checks look values up per
    /// unit and figure, which a linear search made quadratic in the number of communities.
    /// Keyed by figure, then unit: a key type of its own would cost `validate` a scan of the
    /// runtime's conformance table for its `Hashable` conformance; `String`'s is found anyway.
    private var positions: [String: [String: [Int]]]
    /// The `<unit>` elements, in document order (a unit may be split over several).
    public var units: [Entry]

    public struct Entry: Sendable {
        public var id: String
        /// Invented values of the default workspace, to be replaced.
        public var isSample: Bool
        public var location: SourceLocation
    }

    public init(definitions: [FigureDefinition] = [], rules: [FigureRule] = [], values: [ReportedFigure] = [], units: [Entry] = []) {
        self.definitions = definitions
        self.rules = rules
        self.values = values
        self.units = units
        self.positions = Self.positions(of: values)
    }

    private static func positions(of values: [ReportedFigure]) -> [String: [String: [Int]]] {
        var positions: [String: [String: [Int]]] = [:]
        for (index, value) in values.enumerated() { positions[value.figure, default: [:]][value.unit, default: []].append(index) }
        return positions
    }

    /// No figures defined: packs get no 数据统计 pages.
    public var isEmpty: Bool { definitions.isEmpty }

    /// The ids of every defined figure (for scoring rules that name a figure).
    public var figureIDs: Set<String> { Set(definitions.map(\.id)) }

    public func definition(_ id: String) -> FigureDefinition? { definitions.first { $0.id == id } }

    /// Every value a unit reports for a figure, in document order (more than one only under a `same` rule).
    public func reported(_ figure: String, unit: String) -> [ReportedFigure] {
        positions(of: figure, unit: unit).map { values[$0] }
    }

    /// Where the values a unit reports for a figure stand in `values`, in document order.
    func positions(of figure: String, unit: String) -> [Int] {
        positions[figure]?[unit] ?? []
    }

    /// The first value a unit reports for a figure, without making the array of all of them.
    public func firstReported(_ figure: String, unit: String) -> ReportedFigure? {
        positions(of: figure, unit: unit).first.map { values[$0] }
    }

    /// The units whose first report of `figure` is 0, in no particular order. Walks the units
    /// that report the figure once, instead of looking each unit up by two hashed keys.
    func unitsFirstReportingZero(_ figure: String) -> [String] {
        guard let byUnit = positions[figure] else { return [] }
        var units: [String] = []
        for (unit, indices) in byUnit {
            if let first = indices.first, values[first].value == 0 { units.append(unit) }
        }
        return units
    }

    /// The formula that defines a figure, if it is a rate.
    public func formula(for figure: String) -> (rule: FigureRule, formula: FigureRule.Formula)? {
        for rule in rules {
            if case .formula(let formula) = rule.kind, formula.figure == figure { return (rule, formula) }
        }
        return nil
    }
}

/// A named figure: `births-registered` 户籍人口出生数, in 人.
public struct FigureDefinition: Sendable {
    public var id: String
    public var label: String
    /// The unit of measure as printed: 人, 份, 例, %, ‰, 元.
    public var unit: String
    public var location: SourceLocation

    public init(id: String, label: String, unit: String, location: SourceLocation) {
        self.id = id
        self.label = label
        self.unit = unit
        self.location = location
    }

    /// Rates may be written with a trailing percent sign.
    var isPercent: Bool { unit == "%" }
}

/// A rule between figures. Rules hold for every unit (the street and each community) unless
/// they compare the street with its communities.
public struct FigureRule: Sendable {
    public enum Severity: String, Sendable { case error, warning }

    /// A rate: figure = numerator / denominator × scale, rounded to `decimals` as reported.
    public struct Formula: Sendable {
        public var figure: String
        public var numerator: String
        public var denominator: String
        public var scale: Double
        public var decimals: Int
    }

    public enum Kind: Sendable {
        case formula(Formula)
        /// total = Σ parts within one unit ("of which").
        case sum(total: String, parts: [String])
        /// The street's figure = Σ the communities' same figure.
        case communitySum(figure: String)
        /// min ≤ figure ≤ max.
        case range(figure: String, min: Double?, max: Double?)
        /// A figure reported in several places (sources) of one unit must agree.
        case same(figure: String)
    }

    public var id: String
    public var kind: Kind
    /// Largest difference that still counts as agreement (default 0).
    public var tolerance: Double
    public var severity: Severity
    /// Why a difference is legitimate (说明), for every unit or for one: turns the flag into a note.
    public var explanations: [Explanation]
    public var location: SourceLocation

    public struct Explanation: Sendable {
        /// The unit it explains, or nil for all.
        public var unit: String?
        public var text: String
        public var location: SourceLocation
    }

    /// The figures the rule names.
    public var figures: [String] {
        switch kind {
        case .formula(let f): [f.figure, f.numerator, f.denominator]
        case .sum(let total, let parts): [total] + parts
        case .communitySum(let figure), .range(let figure, _, _), .same(let figure): [figure]
        }
    }

    public func explanation(for unit: String) -> String? {
        (explanations.first { $0.unit == unit } ?? explanations.first { $0.unit == nil })?.text
    }
}

/// One value as a unit reports it, with where it is written.
public struct ReportedFigure: Sendable {
    public var figure: String
    /// `street` or a community id.
    public var unit: String
    public var value: Double
    /// Digits after the decimal point as written, so arithmetic is printed the way it was reported.
    public var decimals: Int
    /// Where the value is reported (工作总结·四, 信息系统, 年报): tells apart two reports of one figure.
    public var source: String?
    public var location: SourceLocation
}

/// The unit id of the street itself in figures (communities use their ids).
public enum FigureUnit {
    public static let street = "street"
}
