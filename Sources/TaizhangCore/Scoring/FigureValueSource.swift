/// Where the estimator reads figure values (counts, and rates in percent such as 92.59).
/// Unit ids are the tracker's: `street` or a community id.
public protocol FigureValueSource: Sendable {
    func value(of figure: String, unit: String) -> Double?
}

/// No figures: every rule that reads one falls back to values recorded in mock inspections.
public struct NoFigureValues: FigureValueSource {
    public init() {}
    public func value(of figure: String, unit: String) -> Double? { nil }
}
