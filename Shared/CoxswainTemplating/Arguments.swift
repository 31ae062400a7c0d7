/// Evaluated arguments of a call, filter or test.
struct Arguments {
    var positional: [Value] = []
    var keyword: [String: Value] = [:]

    /// The argument at `index`, or named `name`.
    func value(_ index: Int, _ name: String) -> Value? {
        index < positional.count ? positional[index] : keyword[name]
    }

    var count: Int { positional.count + keyword.count }
}
