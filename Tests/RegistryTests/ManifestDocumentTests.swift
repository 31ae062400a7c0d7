import Foundation
import Testing

@testable import CoxswainRegistry

@Suite("Manifest, index and config decoding")
struct ManifestDocumentTests {
    static let configDigest = "sha256:" + String(repeating: "c", count: 64)
    static let layerDigest = "sha256:" + String(repeating: "1", count: 64)

    static let ociManifest = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(configDigest)","size":504},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\(layerDigest)","size":1088011},
                   {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\(layerDigest)","size":100}],
         "annotations":{"org.opencontainers.image.source":"https://example.com/src","n":5}}
        """

    static func index(_ entries: [(String, String, String?)], mediaType: String = "application/vnd.oci.image.index.v1+json") -> String {
        let manifests = entries.enumerated().map { offset, entry in
            let variant = entry.2.map { #","variant":"\#($0)""# } ?? ""
            let digest = "sha256:" + String(repeating: String(offset % 10), count: 64)
            return
                #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(digest)","size":500,"platform":{"os":"\#(entry.0)","architecture":"\#(entry.1)"\#(variant)}}"#
        }
        return #"{"schemaVersion":2,"mediaType":"\#(mediaType)","manifests":[\#(manifests.joined(separator: ","))]}"#
    }

    @Test("an OCI image manifest: config, layers, size, annotations (non-strings dropped)")
    func image() throws {
        let document = try ManifestDocument.decode(Data(Self.ociManifest.utf8), contentType: "application/vnd.oci.image.manifest.v1+json")
        guard case .image(let image) = document else {
            Issue.record("not an image: \(document)")
            return
        }
        #expect(image.config.digest == Self.configDigest)
        #expect(image.layers.count == 2)
        #expect(image.totalSize == Int64(504 + 1_088_011 + 100))
        #expect(image.annotations == ["org.opencontainers.image.source": "https://example.com/src"])
        #expect(document.mediaType == ManifestDocument.ociManifest)
    }

    @Test("a Docker v2 manifest with a generic Content-Type is told by its body")
    func dockerByBody() throws {
        let body = Self.ociManifest.replacingOccurrences(of: "application/vnd.oci.image.manifest.v1+json", with: ManifestDocument.dockerManifest)
        let document = try ManifestDocument.decode(Data(body.utf8), contentType: "application/json; charset=utf-8")
        #expect(document.mediaType == ManifestDocument.dockerManifest)
        // No media type at all: the shape decides.
        let bare = #"{"schemaVersion":2,"config":{"digest":"\#(Self.configDigest)","size":1},"layers":[]}"#
        #expect(try ManifestDocument.decode(Data(bare.utf8), contentType: nil).mediaType == ManifestDocument.ociManifest)
    }

    @Test("an index: platforms of every image entry (attestations skipped), linux/amd64 preferred")
    func indexPlatforms() throws {
        let body = Self.index([
            ("linux", "arm64", "v8"), ("linux", "amd64", nil), ("unknown", "unknown", nil), ("windows", "amd64", nil), ("linux", "arm64", "v8"),
        ])
        let document = try ManifestDocument.decode(Data(body.utf8), contentType: "application/vnd.oci.image.index.v1+json")
        guard case .index(let index) = document else {
            Issue.record("not an index")
            return
        }
        #expect(index.platforms == ["linux/arm64/v8", "linux/amd64", "windows/amd64"])
        #expect(index.preferredEntry?.platform == .init(os: "linux", architecture: "amd64"))
    }

    @Test("without linux/amd64 the first known platform is chosen; a Docker list decodes the same")
    func indexFallback() throws {
        let body = Self.index([("unknown", "unknown", nil), ("linux", "arm", "v7"), ("linux", "s390x", nil)], mediaType: ManifestDocument.dockerManifestList)
        let document = try ManifestDocument.decode(Data(body.utf8), contentType: "application/json")
        guard case .index(let index) = document else {
            Issue.record("not an index")
            return
        }
        #expect(document.mediaType == ManifestDocument.dockerManifestList)
        #expect(index.preferredEntry?.platform?.description == "linux/arm/v7")
        #expect(index.platforms == ["linux/arm/v7", "linux/s390x"])
    }

    @Test("a schema 1 manifest reads its newest history entry")
    func schema1() throws {
        let compat = #"{\"created\":\"2015-08-01T12:00:00.5Z\",\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{\"Labels\":{\"a\":\"b\"}}}"#
        let body = #"{"schemaVersion":1,"name":"x","tag":"1","architecture":"amd64","history":[{"v1Compatibility":"\#(compat)"}]}"#
        let document = try ManifestDocument.decode(Data(body.utf8), contentType: ManifestDocument.dockerSchema1Signed)
        guard case .schema1(let legacy) = document else {
            Issue.record("not schema 1")
            return
        }
        #expect(legacy.config?.labels == ["a": "b"])
        #expect(legacy.config?.platform == "linux/amd64")
        #expect(legacy.config?.created == Date(timeIntervalSince1970: 1_438_430_400.5))
    }

    @Test(
        "hostile manifests throw instead of trapping",
        arguments: [
            "", "null", "[]", "{}", #"{"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#,
            #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":1}}"#,
            #"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":"x"}"#, #"{"mediaType":"text/html"}"#,
        ])
    func hostile(_ body: String) {
        #expect(throws: (any Error).self) { try ManifestDocument.decode(Data(body.utf8), contentType: nil) }
    }

    @Test("sizes: negative or overflowing sums are nil; a missing size too")
    func sizes() throws {
        let huge =
            #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"d","size":9223372036854775807},"layers":[{"digest":"d","size":1}]}"#
        let negative = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"d","size":-5},"layers":[]}"#
        let missing = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"d"},"layers":[]}"#
        let fractional = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"d","size":1.5},"layers":[]}"#
        for body in [huge, negative, missing, fractional] {
            guard case .image(let image) = try ManifestDocument.decode(Data(body.utf8), contentType: nil) else {
                Issue.record("not an image")
                continue
            }
            #expect(image.totalSize == nil)
        }
    }

    @Test("a config blob: created with nanoseconds, platform, labels (non-strings dropped)")
    func config() throws {
        let body =
            #"{"created":"2026-12-03T12:08:30.123456789Z","os":"linux","architecture":"arm64","variant":"v8","config":{"Labels":{"a":"1","b":2,"c":null}}}"#
        let config = try ImageConfig.decode(Data(body.utf8))
        #expect(config.platform == "linux/arm64/v8")
        #expect(config.labels == ["a": "1"])
        let created = try #require(config.created)
        #expect(abs(created.timeIntervalSince1970 - 1_796_299_710.123_456_789) < 0.000_01)
        let odd = try ImageConfig.decode(Data(#"{"created":12,"config":{"Labels":"x"},"os":["linux"]}"#.utf8))
        #expect(odd == ImageConfig())
    }

    @Test("RFC 3339 with and without fractions, offsets, leap seconds; junk is nil")
    func rfc3339() {
        #expect(RFC3339.date(from: "1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.date(from: "2024-02-29T23:59:59.5+02:00") == Date(timeIntervalSince1970: 1_709_243_999.5))
        #expect(RFC3339.date(from: "2000-03-01t00:00:00z") == Date(timeIntervalSince1970: 951_868_800))
        #expect(RFC3339.date(from: "1969-12-31T23:00:00-01:00") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.date(from: "2016-12-31T23:59:60Z") == Date(timeIntervalSince1970: 1_483_228_799))
        for junk in [
            "", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z",
            "2024-01-01 00:00:00+0200", "yesterday", "2024-01-01T00:00:00Zjunk", String(repeating: "9", count: 100),
        ] {
            #expect(RFC3339.date(from: junk) == nil, "\(junk)")
        }
    }
}
