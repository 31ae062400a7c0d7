/// A targeting expression that does not parse: where (a 1-based character position in the
/// expression) and what was wrong, in words for the operator.
///
/// Its `description` reads `expected ')' after 'eu2' at 24`; callers put the flag or field in
/// front (`--target-label: …`, `targetLabelSelectors[0]: …`).
public struct TargetSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based character position of the problem (one past the end when the text ended early).
    public var position: Int
    /// What was expected or found there.
    public var problem: String

    /// A syntax error at `position` (1-based).
    public init(position: Int, problem: String) {
        self.position = position
        self.problem = problem
    }

    public var description: String { "\(problem) at \(position)" }
}
