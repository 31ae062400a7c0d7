/// What `POST /images/prune` removed.
package struct ImagePruneResult: Sendable, Equatable, Decodable {
    /// Image IDs and tags removed (both `Untagged` and `Deleted` entries).
    package let removed: [String]
    /// Bytes freed.
    package let spaceReclaimed: Int64

    enum CodingKeys: String, CodingKey { case removed = "ImagesDeleted", spaceReclaimed = "SpaceReclaimed" }
    // The API's field names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    private struct Entry: Decodable {
        let Untagged: String?
        let Deleted: String?
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let entries = try c.decodeIfPresent([Entry].self, forKey: .removed) ?? []
        removed = entries.flatMap { [$0.Untagged, $0.Deleted].compactMap { $0 } }
        spaceReclaimed = try c.decodeIfPresent(Int64.self, forKey: .spaceReclaimed) ?? 0
    }
}
