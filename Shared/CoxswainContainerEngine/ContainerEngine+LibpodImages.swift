import NIOCore

extension ContainerEngine {
    /// Pulls `reference` through libpod (`POST /libpod/images/pull?reference=&tlsVerify=`), for a
    /// pull that chooses TLS itself: `tlsVerify: false` reaches a plain-HTTP or self-signed
    /// registry whatever registries.conf says. Streams libpod's progress lines (`stream`); failures
    /// end the stream as ``pullProgress(_:credentials:timeout:)``'s do. Podman only (see ``requireLibpod(for:)``).
    package func libpodPullProgress(
        _ reference: ImageReference, credentials: RegistryCredentials? = nil, tlsVerify: Bool, timeout: Duration = defaultTransferTimeout
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        let operation = "POST /libpod/images/pull \(reference)"
        let query = [("reference", reference.description), ("tlsVerify", tlsVerify ? "true" : "false"), ("policy", "always")]
        let headers = credentials.map { [("X-Registry-Auth", $0.headerValue)] } ?? []
        return libpodTransfer(.post, "/images/pull", query: query, headers: headers, operation: operation, timeout: timeout) { message, status in
            .registryFailure(message: message, status: status, reference: reference, pushing: false, secrets: [credentials?.password].compactMap { $0 })
        }
    }

    /// Pushes `reference` through libpod (`POST /libpod/images/{name}/push?tlsVerify=&quiet=false`),
    /// choosing TLS as ``libpodPullProgress(_:credentials:tlsVerify:timeout:)`` does. Podman only.
    package func libpodPushProgress(
        _ reference: ImageReference, credentials: RegistryCredentials? = nil, tlsVerify: Bool, timeout: Duration = defaultTransferTimeout
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        let operation = "POST /libpod/images/\(reference)/push"
        let query = [("destination", reference.description), ("tlsVerify", tlsVerify ? "true" : "false"), ("quiet", "false")]
        let headers = credentials.map { [("X-Registry-Auth", $0.headerValue)] } ?? []
        return libpodTransfer(
            .post, "/images/\(Self.pathSegment(reference.description))/push", query: query, headers: headers, operation: operation, timeout: timeout
        ) { message, status in
            .registryFailure(message: message, status: status, reference: reference, pushing: true, secrets: [credentials?.password].compactMap { $0 })
        }
    }

    /// Inspects an image (`GET /images/{name}/json`): its ID, tags, digests and configuration.
    package func inspectImage(_ name: String) async throws -> ImageDetails {
        let operation = "GET /images/\(name)/json"
        let response = try await call(.get, "/images/\(Self.pathSegment(name))/json", operation: operation)
        try expect(response, [200], operation: operation, notFound: ("image", name))
        return try decode(ImageDetails.self, response, operation: operation)
    }

    private func libpodTransfer(
        _ method: EngineMethod, _ path: String, query: [(String, String)], headers: [(String, String)], operation: String, timeout: Duration,
        classify: @escaping @Sendable (String, Int?) -> ContainerEngineError
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        do {
            let request = try libpodRequest(method, path, query: query, headers: headers, operation: operation)
            return progressStream(request: request, operation: operation, timeout: timeout, classify: classify)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }
}
