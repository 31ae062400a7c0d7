import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

@testable import CoxswainRegistry

/// Pushes tiny test images straight through the Distribution API (no engine): blobs with a
/// monolithic upload (`POST …/blobs/uploads/` then one `PUT …?digest=`), then the manifest.
struct RegistryPusher: Sendable {
    /// `http://host:port`.
    var baseURL: String
    /// The `Authorization` value for a scope (`repository:NAME:pull,push`).
    var authorization: @Sendable (String) -> String

    /// What was pushed.
    struct Pushed: Sendable {
        var manifestDigest: String
        var manifestSize: Int
        var configSize: Int
        var layerSize: Int
    }

    /// Pushes a one-layer image `name:tag` whose config has `labels` and `created`.
    @discardableResult
    func pushImage(_ name: String, tag: String, labels: [String: String] = [:], created: String = "2026-01-02T03:04:05.123456789Z") async throws -> Pushed {
        let scope = "repository:\(name):pull,push"
        let layer = Array("layer \(name):\(tag) \(UInt64.random(in: 0...UInt64.max))".utf8)
        let layerDigest = Self.digest(layer)
        let labelJSON = String(decoding: try JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys]), as: UTF8.self)
        let config = Array(
            #"{"architecture":"amd64","os":"linux","created":"\#(created)","config":{"Labels":\#(labelJSON)},"rootfs":{"type":"layers","diff_ids":["\#(layerDigest)"]}}"#
                .utf8)
        try await uploadBlob(name, layer, scope: scope)
        try await uploadBlob(name, config, scope: scope)
        let manifest = Array(
            """
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
            "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":\(config.count),"digest":"\(Self.digest(config))"},\
            "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":\(layer.count),"digest":"\(layerDigest)"}]}
            """.utf8)
        try await putManifest(name, reference: tag, manifest, mediaType: ManifestDocument.dockerManifest, scope: scope)
        return Pushed(manifestDigest: Self.digest(manifest), manifestSize: manifest.count, configSize: config.count, layerSize: layer.count)
    }

    /// Pushes an OCI index `name:tag` whose entries all point at `image` (pushed before), one per platform.
    func pushIndex(_ name: String, tag: String, image: Pushed, platforms: [(os: String, architecture: String, variant: String?)]) async throws -> String {
        let entries = platforms.map { platform in
            let variant = platform.variant.map { #","variant":"\#($0)""# } ?? ""
            return
                #"{"mediaType":"\#(ManifestDocument.dockerManifest)","digest":"\#(image.manifestDigest)","size":\#(image.manifestSize),"platform":{"architecture":"\#(platform.architecture)","os":"\#(platform.os)"\#(variant)}}"#
        }
        let index = Array(#"{"schemaVersion":2,"mediaType":"\#(ManifestDocument.ociIndex)","manifests":[\#(entries.joined(separator: ","))]}"#.utf8)
        try await putManifest(name, reference: tag, index, mediaType: ManifestDocument.ociIndex, scope: "repository:\(name):pull,push")
        return Self.digest(index)
    }

    private func uploadBlob(_ name: String, _ bytes: [UInt8], scope: String) async throws {
        var start = HTTPClientRequest(url: "\(baseURL)/v2/\(name)/blobs/uploads/")
        start.method = .POST
        start.headers.add(name: "Authorization", value: authorization(scope))
        start.headers.add(name: "Content-Length", value: "0")
        let started = try await Fixtures.httpClient.execute(start, timeout: .seconds(10))
        _ = try await started.body.collect(upTo: 1 << 20)
        guard started.status.code == 202, let location = started.headers.first(name: "Location") else {
            throw PushError(step: "start upload of \(name)", status: Int(started.status.code))
        }
        let absolute = location.hasPrefix("http") ? location : baseURL + location
        var put = HTTPClientRequest(url: absolute + (absolute.contains("?") ? "&" : "?") + "digest=\(Self.digest(bytes))")
        put.method = .PUT
        put.headers.add(name: "Authorization", value: authorization(scope))
        put.headers.add(name: "Content-Type", value: "application/octet-stream")
        put.headers.add(name: "Content-Length", value: "\(bytes.count)")
        put.body = .bytes(ByteBuffer(bytes: bytes))
        let done = try await Fixtures.httpClient.execute(put, timeout: .seconds(10))
        _ = try await done.body.collect(upTo: 1 << 20)
        guard done.status.code == 201 else { throw PushError(step: "upload of a blob of \(name)", status: Int(done.status.code)) }
    }

    private func putManifest(_ name: String, reference: String, _ bytes: [UInt8], mediaType: String, scope: String) async throws {
        var put = HTTPClientRequest(url: "\(baseURL)/v2/\(name)/manifests/\(reference)")
        put.method = .PUT
        put.headers.add(name: "Authorization", value: authorization(scope))
        put.headers.add(name: "Content-Type", value: mediaType)
        put.body = .bytes(ByteBuffer(bytes: bytes))
        let response = try await Fixtures.httpClient.execute(put, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 201 else {
            throw PushError(step: "manifest \(name):\(reference) (\(String(buffer: body).prefix(300)))", status: Int(response.status.code))
        }
    }

    static func digest(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    struct PushError: Error, CustomStringConvertible {
        var step: String
        var status: Int
        var description: String { "push failed at \(step): HTTP \(status)" }
    }
}
