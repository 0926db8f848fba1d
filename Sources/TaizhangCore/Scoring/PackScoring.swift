/// What the generator's indexes need for the estimated score and the gaps, besides the files
/// on disk: the tracker's statuses and mock measures, figures, and the open tasks.
public struct PackScoring: Sendable {
    public var inputs: ScoreInputs
    public var openTasks: [GapTask]
    /// The whole plan, for rules that count communities on the street's score; set by the generator.
    var plan: PackPlan?

    public init(inputs: ScoreInputs = ScoreInputs(), openTasks: [GapTask] = []) {
        self.inputs = inputs
        self.openTasks = openTasks
    }
}
