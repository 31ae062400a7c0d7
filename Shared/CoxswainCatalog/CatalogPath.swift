/// Lexical path handling for `ADD` sources and `GET` local names; nothing touches the disk.
enum CatalogPath {
    /// `path` joined to `base` when relative, then normalised: repeated `/`, `.` and `..` parts
    /// are folded without following symbolic links (as Python's `os.path.abspath`).
    static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
        let isAbsolute = joined.hasPrefix("/")
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let body = parts.joined(separator: "/")
        return isAbsolute ? "/" + body : (body.isEmpty ? "." : body)
    }

    /// The last component of `path` (`thing.conf` for `/etc/thing.conf`); empty for `/` or a
    /// path ending in `/`.
    static func lastComponent(_ path: String) -> String {
        if path.hasSuffix("/") { return "" }
        return path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }

    /// Whether `path` has a `..` component.
    static func goesUp(_ path: String) -> Bool {
        path.split(separator: "/").contains("..")
    }
}
