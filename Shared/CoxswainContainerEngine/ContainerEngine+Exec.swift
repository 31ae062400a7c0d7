extension ContainerEngine {
    /// Runs `command` in a running container and returns its exit code and output
    /// (`POST /containers/{id}/exec`, `POST /exec/{id}/start`, `GET /exec/{id}/json`): what a
    /// health check needs. Bounded by `timeout` as a whole; the process may keep running in the
    /// container after a timeout. `privileged` gives the process extended privileges (Directord's
    /// `POD --exec-run --privileged`).
    package func exec(
        _ id: String, command: [String], environment: [String: String] = [:], user: String? = nil, workingDirectory: String? = nil,
        privileged: Bool = false, timeout: Duration = .seconds(30)
    ) async throws -> ExecResult {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct CreateBody: Encodable, Sendable {
            let AttachStdout = true
            let AttachStderr = true
            let Tty = false
            let Cmd: [String]
            let Env: [String]?
            let User: String?
            let WorkingDir: String?
            let Privileged: Bool
        }
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct StartBody: Encodable, Sendable {
            let Detach = false
            let Tty = false
        }
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Created: Decodable { let Id: String }
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Inspected: Decodable {
            let ExitCode: Int64?
            let Running: Bool?
        }
        guard !command.isEmpty else { throw ContainerEngineError.invalidRequest(operation: "exec in \(id)", reason: "empty command") }
        let createOperation = "POST /containers/\(id)/exec"
        let created = try await call(
            .post, "/containers/\(Self.pathSegment(id))/exec",
            body: CreateBody(
                Cmd: command, Env: environment.isEmpty ? nil : environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, User: user,
                WorkingDir: workingDirectory, Privileged: privileged),
            operation: createOperation)
        try expect(created, [201, 200], operation: createOperation, notFound: ("container", id))
        let execID = try decode(Created.self, created, operation: createOperation).Id

        let startOperation = "POST /exec/\(execID)/start"
        let started = try await call(.post, "/exec/\(Self.pathSegment(execID))/start", body: StartBody(), operation: startOperation, timeout: timeout)
        try expect(started, [200], operation: startOperation, notFound: ("exec", execID))
        var decoder = LogFrameDecoder()
        var stdout = ""
        var stderr = ""
        for chunk in try decoder.push(started.body.readableBytesView) + decoder.finish() {
            switch chunk.stream {
            case .stdout where stdout.utf8.count < Self.maximumExecOutputBytes: stdout += chunk.text
            case .stderr where stderr.utf8.count < Self.maximumExecOutputBytes: stderr += chunk.text
            default: break
            }
        }

        // The exit code is recorded just after the output ends: poll briefly while it runs.
        let inspectOperation = "GET /exec/\(execID)/json"
        for attempt in 0..<50 {
            let response = try await call(.get, "/exec/\(Self.pathSegment(execID))/json", operation: inspectOperation)
            try expect(response, [200], operation: inspectOperation, notFound: ("exec", execID))
            let inspected = try decode(Inspected.self, response, operation: inspectOperation)
            if inspected.Running != true, let code = inspected.ExitCode {
                return ExecResult(exitCode: code, stdout: stdout, stderr: stderr)
            }
            if attempt < 49 { try await Task.sleep(for: .milliseconds(100)) }
        }
        throw ContainerEngineError.timedOut(operation: inspectOperation, after: .seconds(5))
    }
}
