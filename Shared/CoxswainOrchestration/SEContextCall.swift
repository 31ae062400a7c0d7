/// What a `SECONTEXT` job asks of the node (Directord's `secontext` component): add or modify the
/// SELinux file-context rule for `target` (`semanage fcontext`).
package struct SEContextCall: Sendable, Equatable, Codable {
    /// The path or regular expression the rule is for.
    package var target: String
    /// `--setype TYPE` (required): the SELinux type, such as `container_file_t`.
    package var setype: String
    /// `--ftype F`: the file type the rule applies to, one of ``fileTypes``'s keys; all files when `nil`.
    package var ftype: String?
    /// `--seuser USER`: the SELinux user (`system_u` for a new rule when `nil`).
    package var seuser: String?
    /// `--selevel LEVEL`: the MLS/MCS level (`s0` for a new rule when `nil`).
    package var selevel: String?
    /// `--reload BOOL`: reload the policy after the change (Directord's default: no).
    package var reload: Bool

    package init(target: String, setype: String, ftype: String? = nil, seuser: String? = nil, selevel: String? = nil, reload: Bool = false) {
        self.target = target
        self.setype = setype
        self.ftype = ftype
        self.seuser = seuser
        self.selevel = selevel
        self.reload = reload
    }

    /// Directord's `--ftype` choices and what each means.
    package static let fileTypes: [String: String] = [
        "a": "all files", "b": "block device", "c": "character device", "d": "directory", "f": "regular file", "l": "symbolic link",
        "p": "named pipe", "s": "socket",
    ]
}
