/// What a `CONTAINER_IMAGE` job asks of the node's engine (Directord's `container_image`
/// component): pull, push, tag, list or inspect images.
package struct ImageCall: Sendable, Equatable, Codable {
    /// The one action a `CONTAINER_IMAGE` job takes (Directord's mutually exclusive, required flags).
    package enum Action: String, Sendable, Equatable, Codable {
        /// `--pull IMAGE…`: pull each image (credentials from the task's `COXSWAIN_REGISTRY_AUTH`).
        case pull
        /// `--push IMAGE…`: push each image.
        case push
        /// `--tag IMAGE NEW`: tag `IMAGE` as `NEW`.
        case tag
        /// `--list`: every image on the node.
        case list
        /// `--inspect IMAGE…`.
        case inspect
    }

    package var action: Action
    /// The image references, as written (templates rendered on the node).
    package var images: [String]
    /// `false` with `--no-tlsverify`: the registry may be plain HTTP or have an unverified certificate.
    package var tlsVerify: Bool
    /// `--socket-path PATH`: the engine socket to use instead of the node's.
    package var socketPath: String?

    package init(action: Action, images: [String], tlsVerify: Bool = true, socketPath: String? = nil) {
        self.action = action
        self.images = images
        self.tlsVerify = tlsVerify
        self.socketPath = socketPath
    }
}
