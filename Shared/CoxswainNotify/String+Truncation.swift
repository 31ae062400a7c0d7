extension String {
    /// The string cut at a character boundary so that it has at most `limit` UTF-16 code units,
    /// ending in `…` when cut. Chat services count their limits in characters (Discord: in
    /// JavaScript's UTF-16 units), and a UTF-16 count is never below either.
    func truncated(toUTF16 limit: Int) -> String {
        guard utf16.count > limit else { return self }
        guard limit > 0 else { return "" }
        var result = ""
        var used = 0
        for character in self {
            let size = character.utf16.count
            if used + size > limit - 1 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }
}
