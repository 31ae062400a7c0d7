import CoxswainCore

/// One SOURCE operand of `ADD`/`COPY`: the pattern as written and where it points.
///
/// Relative patterns are resolved against the orchestration file's folder (Directord resolved
/// them against its working directory, which its own functional tests set to that folder).
/// Nothing is read here: ``FileGlob/expand(_:at:)`` expands the pattern when the CLI needs
/// the files.
package struct SourceRef: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The operand as written in the orchestration (`files/*.j2`).
    package var pattern: String
    /// The pattern made absolute against the base folder and cleaned of `.`/`..` parts
    /// (`/srv/site/files/*.j2`). Equal to ``pattern`` when no base folder was given and the
    /// pattern is relative.
    package var path: String

    /// A source whose ``path`` is `pattern` resolved against `baseDirectory` (kept relative
    /// when `baseDirectory` is `nil`).
    package init(pattern: String, baseDirectory: String?) {
        self.pattern = pattern
        self.path = Self.resolve(pattern, against: baseDirectory)
    }

    /// Whether the pattern has glob characters (`*`, `?`, `[`) and may name several files.
    package var isGlob: Bool { FileGlob.hasMagic(pattern) }

    /// The pattern, with its resolved path when that differs.
    package var description: String { pattern == path ? pattern : "\(pattern) (\(path))" }

    /// `path` joined to `base` when relative, then lexically normalised: repeated `/`, `.`
    /// and `..` parts are folded without touching the filesystem (symbolic links are not
    /// followed, as in Python's `os.path.abspath`).
    package static func resolve(_ path: String, against base: String?) -> String {
        LexicalPath.resolve(path, against: base)
    }
}
