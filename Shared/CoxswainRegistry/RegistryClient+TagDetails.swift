import CoxswainCore
import Crypto
import Foundation

extension RegistryClient {
    /// What the manifest and config blob say about `repository:tag`.
    ///
    /// The manifest is asked for as Docker v2 schema 2, OCI manifest, Docker manifest list or OCI
    /// index. For a list or index: the platforms of every image entry, and the details of the
    /// linux/amd64 entry (else the first). Then the config blob: `created` and `config.Labels`
    /// (manifest annotations included, labels win). The digest is `Docker-Content-Digest`, else
    /// the sha256 of the manifest; the size is config plus layers.
    public func tagDetails(repository: String, tag: String) async throws(RegistryError) -> RegistryTagDetails {
        let endpoint = try RegistryEndpoint(registry)
        let name = endpoint.normalized(try RepositoryName(validating: repository))
        let tag = try ImageTag(validating: tag)
        let deadline = operationDeadline()
        let scope = "repository:\(name):pull"

        let document: ManifestDocument
        let digest: String
        do throws(RegistryError) {
            (document, digest) = try await manifest(
                name, reference: tag.value, accept: ManifestDocument.acceptedMediaTypes, scope: scope, endpoint: endpoint, deadline: deadline)
        } catch {
            guard case .notFound = error else { throw error }
            // Distribution 2.8 says MANIFEST_UNKNOWN for a tag of a repository that does not exist either: ask the tag list.
            if let probe = try? await authorizedGET(
                endpoint.url("/v2/\(name)/tags/list?n=1"), scope: scope, accept: ["application/json"], endpoint: endpoint, deadline: deadline),
                probe.status == 404
            {
                throw .notFound("repository \(name) not found in registry \(registryLabel)")
            }
            throw error
        }
        var details = RegistryTagDetails(
            repository: name.value, tag: tag.value, digest: digest, mediaType: document.mediaType, created: nil, labels: [:], platforms: [], size: nil)

        let image: ManifestDocument.Image
        switch document {
        case .schema1(let legacy):
            details.created = legacy.config?.created
            details.labels = legacy.config?.labels ?? [:]
            details.platforms = [legacy.config?.platform ?? legacy.architecture.map { "linux/\($0.prefix(64))" }].compactMap { $0 }
            return details
        case .image(let single):
            image = single
        case .index(let index):
            details.platforms = index.platforms
            guard let entry = index.preferredEntry else { return details }
            guard let entryDigest = ImageDigest(entry.digest) else {
                throw .badResponse("registry \(registryLabel) listed an invalid digest in the index of \(name):\(tag)")
            }
            let (child, _) = try await manifest(
                name, reference: entryDigest.value, accept: ManifestDocument.acceptedImageMediaTypes, scope: scope, endpoint: endpoint, deadline: deadline)
            guard case .image(let single) = child else {
                throw .badResponse("registry \(registryLabel) answered \(name)@\(entryDigest) of \(name):\(tag) with another list, not an image manifest")
            }
            image = single
        }

        details.size = image.totalSize
        guard let configDigest = ImageDigest(image.config.digest) else {
            throw .badResponse("registry \(registryLabel) sent a manifest for \(name):\(tag) with an invalid config digest")
        }
        let config = try await configBlob(name, digest: configDigest, scope: scope, endpoint: endpoint, deadline: deadline)
        details.created = config.created
        details.labels = image.annotations.merging(config.labels) { _, label in label }
        if details.platforms.isEmpty, let platform = config.platform { details.platforms = [platform] }
        return details
    }

    /// A manifest by tag or digest, decoded, with its digest (`Docker-Content-Digest` when valid, else the sha256 of the body).
    func manifest(
        _ name: RepositoryName, reference: String, accept: [String], scope: String, endpoint: RegistryEndpoint, deadline: Deadline
    ) async throws(RegistryError) -> (ManifestDocument, String) {
        let response = try await authorizedGET(
            endpoint.url("/v2/\(name)/manifests/\(reference)"), scope: scope, accept: [accept.joined(separator: ", ")], endpoint: endpoint,
            deadline: deadline)
        guard response.status == 200 else { throw failure(response, about: .tag(name, reference)) }
        let data = response.data
        let document: ManifestDocument
        do {
            document = try ManifestDocument.decode(data, contentType: response.value("Content-Type"))
        } catch {
            throw .badResponse(
                "registry \(registryLabel) sent a manifest for \(name):\(reference) that is not understood (\(String(describing: error).prefix(200)))")
        }
        let digest = response.value("Docker-Content-Digest").flatMap(ImageDigest.init)?.value ?? Self.sha256Digest(data)
        return (document, digest)
    }

    /// The image config blob, decoded.
    func configBlob(
        _ name: RepositoryName, digest: ImageDigest, scope: String, endpoint: RegistryEndpoint, deadline: Deadline
    ) async throws(RegistryError) -> ImageConfig {
        let response = try await authorizedGET(endpoint.url("/v2/\(name)/blobs/\(digest)"), scope: scope, endpoint: endpoint, deadline: deadline)
        guard response.status == 200 else { throw failure(response, about: .blob(name, digest)) }
        do {
            return try ImageConfig.decode(response.data)
        } catch {
            throw .badResponse("registry \(registryLabel) sent a config blob \(digest) of \(name) that is not JSON")
        }
    }

    /// `sha256:<hex>` of `data`.
    static func sha256Digest(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
