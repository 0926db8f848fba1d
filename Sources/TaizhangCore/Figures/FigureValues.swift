/// The value of a figure for a unit, as rules and scores should read it: a rate recomputed
/// from its numerator and denominator when both are reported (percent for rates), otherwise
/// the reported value.
///
/// Scoring reads rates through this (`value(of:unit:)`), so a score never rests on a rate that
/// was typed in wrong.
public struct FigureValues: FigureValueSource {
    public let figures: Figures

    public init(_ figures: Figures) { self.figures = figures }

    /// The recomputed value for a formula figure, or the first reported value; nil when neither exists.
    public func value(of figure: String, unit: String) -> Double? {
        recomputed(figure, unit: unit) ?? reported(figure, unit: unit)?.value
    }

    /// The first value the unit reports.
    public func reported(_ figure: String, unit: String) -> ReportedFigure? {
        figures.firstReported(figure, unit: unit)
    }

    /// numerator / denominator × scale, unrounded, when the figure has a formula and the unit
    /// reports both operands with a denominator other than 0.
    public func recomputed(_ figure: String, unit: String) -> Double? {
        guard let (_, formula) = figures.formula(for: figure) else { return nil }
        return operands(formula, unit: unit).map { $0.value / $1.value * formula.scale }
    }

    /// The reported numerator and denominator of a formula, if both exist and the denominator is not 0.
    func operands(_ formula: FigureRule.Formula, unit: String) -> (ReportedFigure, ReportedFigure)? {
        guard let numerator = reported(formula.numerator, unit: unit),
            let denominator = reported(formula.denominator, unit: unit), denominator.value != 0
        else { return nil }
        return (numerator, denominator)
    }

    /// The ids of every defined figure.
    public var figureIDs: Set<String> { figures.figureIDs }
}
