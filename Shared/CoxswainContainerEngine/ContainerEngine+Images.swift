import AsyncHTTPClient
import NIOCore

extension ContainerEngine {
    /// Default time limit of a pull or push.
    package static let defaultTransferTimeout: Duration = .seconds(600)

    /// Lists the images in the engine's storage (`GET /images/json`).
    ///
    /// Podman answers 500 ("image not known") when an image goes while it lists them (a removal
    /// or prune at the same moment); the listing is asked again, three times at most.
    package func listImages() async throws -> [ImageSummary] {
        let operation = "GET /images/json"
        for _ in 1..<3 {
            let response = try await call(.get, "/images/json", operation: operation)
            if response.status == 500, Self.engineMessage(response.body).contains("image not known") {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            try expect(response, [200], operation: operation)
            return try decode([ImageSummary].self, response, operation: operation)
        }
        let response = try await call(.get, "/images/json", operation: operation)
        try expect(response, [200], operation: operation)
        return try decode([ImageSummary].self, response, operation: operation)
    }

    /// Pulls `reference` (`POST /images/create?fromImage=&tag=`) with `credentials` in
    /// `X-Registry-Auth`, streaming the decoded progress lines. An error line or an HTTP error
    /// ends the stream with ``ContainerEngineError/unauthorized(registry:image:)``,
    /// ``ContainerEngineError/imageNotFound(image:tag:)`` or ``ContainerEngineError/pullFailed(image:tag:message:)``.
    /// The whole pull is bounded by `timeout`.
    package func pullProgress(
        _ reference: ImageReference, credentials: RegistryCredentials? = nil, timeout: Duration = defaultTransferTimeout
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        var headers: [(String, String)] = []
        if let credentials { headers.append(("X-Registry-Auth", credentials.headerValue)) }
        return progressStream(
            .post, "/images/create", query: [("fromImage", reference.name), ("tag", reference.pullTag)], headers: headers,
            operation: "POST /images/create \(reference)", timeout: timeout
        ) { message, status in
            .registryFailure(message: message, status: status, reference: reference, pushing: false, secrets: [credentials?.password].compactMap { $0 })
        }
    }

    /// Pulls `reference` and returns once it is in the engine's storage (see ``pullProgress(_:credentials:timeout:)``);
    /// returns the last progress line.
    @discardableResult
    package func pullImage(
        _ reference: ImageReference, credentials: RegistryCredentials? = nil, timeout: Duration = defaultTransferTimeout
    ) async throws -> PullProgress? {
        var last: PullProgress?
        for try await line in pullProgress(reference, credentials: credentials, timeout: timeout) { last = line }
        logger.debug("image pulled", metadata: [EngineLogMetadata.image: "\(reference)"])
        return last
    }

    /// Tags image `source` (a reference or an ID) as `target` (`POST /images/{name}/tag`).
    package func tagImage(_ source: String, as target: ImageReference) async throws {
        let operation = "POST /images/\(source)/tag"
        let response = try await call(
            .post, "/images/\(Self.pathSegment(source))/tag", query: [("repo", target.name), ("tag", target.tagOrDefault)], operation: operation)
        try expect(response, [201, 200], operation: operation, notFound: ("image", source))
    }

    /// Pushes `reference` (`POST /images/{name}/push?tag=`) with `credentials`, streaming the
    /// progress lines; failures end the stream like a pull's (``ContainerEngineError/pushFailed(image:tag:message:)``).
    package func pushProgress(
        _ reference: ImageReference, credentials: RegistryCredentials? = nil, timeout: Duration = defaultTransferTimeout
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        // dockerd wants the header on every push, even anonymous.
        let headers = [("X-Registry-Auth", credentials?.headerValue ?? RegistryCredentials.anonymousHeaderValue)]
        return progressStream(
            .post, "/images/\(Self.pathSegment(reference.name))/push", query: [("tag", reference.tagOrDefault)], headers: headers,
            operation: "POST /images/\(reference)/push", timeout: timeout
        ) { message, status in
            .registryFailure(message: message, status: status, reference: reference, pushing: true, secrets: [credentials?.password].compactMap { $0 })
        }
    }

    /// Pushes `reference` and returns once the registry has it (see ``pushProgress(_:credentials:timeout:)``).
    @discardableResult
    package func pushImage(
        _ reference: ImageReference, credentials: RegistryCredentials? = nil, timeout: Duration = defaultTransferTimeout
    ) async throws -> PullProgress? {
        var last: PullProgress?
        for try await line in pushProgress(reference, credentials: credentials, timeout: timeout) { last = line }
        return last
    }

    /// Removes an image or one of its tags (`DELETE /images/{name}`); `force` also removes an
    /// image that containers use. Returns the removed tags and IDs.
    @discardableResult
    package func removeImage(_ name: String, force: Bool = false) async throws -> [String] {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Entry: Decodable {
            let Untagged: String?
            let Deleted: String?
        }
        let operation = "DELETE /images/\(name)"
        let response = try await call(.delete, "/images/\(Self.pathSegment(name))", query: [("force", force ? "1" : "0")], operation: operation)
        try expect(response, [200], operation: operation, notFound: ("image", name))
        return try decode([Entry].self, response, operation: operation).flatMap { [$0.Untagged, $0.Deleted].compactMap { $0 } }
    }

    /// Removes unused images (`POST /images/prune`): only untagged ones when `danglingOnly`,
    /// otherwise every image no container uses.
    package func pruneImages(danglingOnly: Bool = true) async throws -> ImagePruneResult {
        let operation = "POST /images/prune"
        let filters = try Self.filters(["dangling": [danglingOnly ? "true" : "false"]], operation: operation)
        let response = try await call(.post, "/images/prune", query: [("filters", filters)], operation: operation, timeout: requestTimeout * 4)
        try expect(response, [200], operation: operation)
        return try decode(ImagePruneResult.self, response, operation: operation)
    }

    /// A JSON-lines progress answer (pull, push) as a stream, bounded by `timeout` as a whole;
    /// an HTTP error or an error line becomes `classify(message, status)`.
    func progressStream(
        _ method: EngineMethod, _ path: String, query: [(String, String)], headers: [(String, String)], operation: String, timeout: Duration,
        classify: @escaping @Sendable (String, Int?) -> ContainerEngineError
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        do {
            let request = try request(method, path, query: query, headers: headers, operation: operation)
            return progressStream(request: request, operation: operation, timeout: timeout, classify: classify)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }
}
