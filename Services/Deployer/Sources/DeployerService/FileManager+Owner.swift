import Foundation

extension FileManager {
    /// `--chown USER[:GROUP]` (names or numeric ids), as WORKDIR, ADD and COPY take it.
    func changeOwner(of path: String, to chown: String) throws {
        let parts = chown.split(separator: ":").map(String.init)
        var attributes: [FileAttributeKey: Any] = [:]
        if let u = parts.first { attributes[Int(u) != nil ? .ownerAccountID : .ownerAccountName] = Int(u) ?? u }
        if parts.count > 1 { attributes[Int(parts[1]) != nil ? .groupOwnerAccountID : .groupOwnerAccountName] = Int(parts[1]) ?? parts[1] }
        try setAttributes(attributes, ofItemAtPath: path)
    }
}
