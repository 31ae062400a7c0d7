/// Lexical path handling shared by orchestration sources and bootstrap catalogs: nothing touches
/// the disk and symbolic links are not followed (as Python's `os.path.abspath`).
public enum LexicalPath {
    /// `path` joined to `base` when relative (and `base` is given), with repeated `/`, `.` and
    /// `..` parts folded. A relative path with no base stays as written.
    public static func resolve(_ path: String, against base: String?) -> String {
        let joined: String
        if path.hasPrefix("/") {
            joined = path
        } else if let base, !base.isEmpty {
            joined = base.hasSuffix("/") ? base + path : base + "/" + path
        } else {
            return path
        }
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
}
