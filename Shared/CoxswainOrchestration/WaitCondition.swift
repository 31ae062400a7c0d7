/// What a `WAIT` job waits for; exactly one per job.
package enum WaitCondition: Sendable, Equatable, Codable {
    /// `--seconds N`: sleep for `N` seconds.
    case seconds(Double)
    /// `--url URL [--insecure]`: until the URL answers 2xx or 3xx; `insecure` skips TLS
    /// certificate checks.
    case url(String, insecure: Bool)
    /// `--cmd CMD`: until the command exits 0. `CMD` is the rest of the string, as written.
    case command(String)
}
