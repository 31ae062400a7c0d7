/// One volume as `GET /volumes` lists it.
package struct VolumeSummary: Sendable, Equatable, Decodable {
    /// Volume name.
    package let name: String
    /// Driver (`local`).
    package let driver: String?
    /// Where the data lives on the host.
    package let mountpoint: String?
    /// Labels.
    package let labels: [String: String]

    enum CodingKeys: String, CodingKey { case name = "Name", driver = "Driver", mountpoint = "Mountpoint", labels = "Labels" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        driver = try c.decodeIfPresent(String.self, forKey: .driver)
        mountpoint = try c.decodeIfPresent(String.self, forKey: .mountpoint)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}

/// The body of `GET /volumes`.
// The API's field names.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct VolumeListResponse: Decodable {
    let Volumes: [VolumeSummary]?
}
