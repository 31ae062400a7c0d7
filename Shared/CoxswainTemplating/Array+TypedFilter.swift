extension Array {
    /// `filter` with a typed-throwing predicate (the standard one only rethrows untyped).
    func filtering(_ isIncluded: (Element) throws(EvalFailure) -> Bool) throws(EvalFailure) -> [Element] {
        var result: [Element] = []
        for element in self where try isIncluded(element) { result.append(element) }
        return result
    }
}
