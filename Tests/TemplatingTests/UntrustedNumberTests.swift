import CoxswainTemplating
import Testing

/// Template text comes from job submissions and runs on nodes: no number in it may trap the agent.
@Suite("Extreme numbers in templates never trap")
struct UntrustedNumberTests {
    @Test("Int.min // -1 and % -1 give a value, not a crash")
    func integerDivisionOverflow() throws {
        #expect(try render("{{ (-9223372036854775807 - 1) // -1 }}") == "9.223372036854776e+18")
        #expect(try render("{{ (-9223372036854775807 - 1) % -1 }}") == "0")
    }

    @Test("int of a huge float falls back to the default")
    func hugeFloatToInt() throws {
        #expect(try render("{{ 1e300 | int }}") == "0")
        #expect(try render("{{ -1e300 | int(7) }}") == "7")
    }

    @Test("int with a base outside 2...36 is an evaluation error", arguments: [0, 1, 37, -5])
    func badBase(base: Int) {
        #expect(renderError("{{ '10' | int(0, \(base)) }}") != nil)
    }

    @Test("tojson with a negative or huge indent renders")
    func extremeIndent() throws {
        #expect(try render("{{ [1] | tojson(-1) }}") == "[\n1\n]")
        #expect(try render("{{ [[1]] | tojson(9223372036854775807) }}").count < 200)
    }
}
