import Glibc
import Testing

@testable import DeployerService

@Suite struct WaitStatusTests {
    @Test func normalExitCarriesItsCode() {
        #expect(WaitStatus(rawValue: 0).exitCode == 0)
        #expect(WaitStatus(rawValue: 3 << 8).exitCode == 3)
        #expect(WaitStatus(rawValue: 255 << 8).exitCode == 255)
        #expect(WaitStatus(rawValue: 3 << 8).terminationSignal == nil)
    }

    @Test func deathBySignalCarriesTheSignal() {
        #expect(WaitStatus(rawValue: SIGKILL).terminationSignal == SIGKILL)
        #expect(WaitStatus(rawValue: SIGKILL).exitCode == nil)
        // 0x80 is the core-dump flag.
        #expect(WaitStatus(rawValue: SIGSEGV | 0x80).terminationSignal == SIGSEGV)
    }

    @Test func stopReportIsNeitherExitNorSignal() {
        let stopped = WaitStatus(rawValue: (SIGSTOP << 8) | 0x7f)
        #expect(stopped.exitCode == nil)
        #expect(stopped.terminationSignal == nil)
    }
}
