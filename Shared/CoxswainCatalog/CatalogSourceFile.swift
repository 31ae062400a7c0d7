import Foundation

/// What planning learns about a local `ADD`/`COPY` source file.
struct CatalogSourceFile: Sendable, Equatable {
    /// The file's permission bits (`0o755`).
    var mode: UInt32

    /// Inspects the file at `path`, following symbolic links.
    ///
    /// - Returns: The file, or why it cannot be uploaded ("does not exist", "is a directory,
    ///   not a file", …).
    static func inspect(_ path: String) -> Result<CatalogSourceFile, Problem> {
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: target, isDirectory: &isDirectory) else { return .failure(Problem(reason: "does not exist")) }
        if isDirectory.boolValue { return .failure(Problem(reason: "is a directory, not a file")) }
        guard let attributes = try? fileManager.attributesOfItem(atPath: target) else { return .failure(Problem(reason: "cannot be inspected")) }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else { return .failure(Problem(reason: "is not a regular file")) }
        guard fileManager.isReadableFile(atPath: target) else { return .failure(Problem(reason: "is not readable")) }
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint32Value ?? 0o644
        return .success(CatalogSourceFile(mode: permissions & 0o7777))
    }

    /// Why a source file cannot be uploaded.
    struct Problem: Error, Equatable {
        /// Words that follow the path in a message.
        var reason: String
    }
}
