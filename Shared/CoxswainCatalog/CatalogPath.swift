import CoxswainCore

/// Lexical path handling for `ADD` sources and `GET` local names; nothing touches the disk.
enum CatalogPath {
    /// `path` joined to `base` when relative, then normalised: repeated `/`, `.` and `..` parts
    /// are folded without following symbolic links (as Python's `os.path.abspath`).
    static func resolve(_ path: String, against base: String) -> String {
        LexicalPath.resolve(path, against: base)
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
