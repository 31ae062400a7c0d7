/// `POST /v1/bootstrap`: a planned catalog (sources already uploaded as artifacts) and how to run it.
package struct BootstrapRunRequest: Codable, Sendable, Equatable {
    package var plan: BootstrapPlan
    /// Clients bootstrapped at once (default 10).
    package var threads: Int?
    /// Trust (and record) host keys never seen before instead of refusing them.
    package var acceptNewHostKeys: Bool?
    /// `--key-file`: the private key for this run only; sealed while the run lasts, then erased.
    package var privateKey: String?
    package var passphrase: String?
    /// A stored SSH credential of the team, for hosts that name none.
    package var credential: String?

    package init(
        plan: BootstrapPlan, threads: Int? = nil, acceptNewHostKeys: Bool? = nil, privateKey: String? = nil, passphrase: String? = nil,
        credential: String? = nil
    ) {
        self.plan = plan
        self.threads = threads
        self.acceptNewHostKeys = acceptNewHostKeys
        self.privateKey = privateKey
        self.passphrase = passphrase
        self.credential = credential
    }
}

/// The Gateway's answer to a bootstrap request.
package struct BootstrapRunAccepted: Codable, Sendable, Equatable {
    package var runID: String
    package init(runID: String) { self.runID = runID }
}
