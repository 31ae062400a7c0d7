import Foundation
import Testing

extension PlatformTests {
    @Test("FACTER caches the node's real facts (facter --json) as the arg 'facter' for templates", .timeLimit(.minutes(2)))
    func facter() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { platform in
            let gathered = try await platform.cli(["exec", "--verb", "FACTER", "--wait", "--output", "json"], timeout: .seconds(90))
            #expect(gathered.status == 0, "\(gathered)")
            #expect(gathered.stdout.contains("facts cached as the arg 'facter'"), "\(gathered)")
            let family = try await platform.cli(["exec", "--verb", "ECHO", "{{ facter.os.family }}", "--wait", "--output", "json"])
            #expect(family.status == 0 && family.stdout.contains(#""Debian\n""#), "\(family)")
        }
    }
}
