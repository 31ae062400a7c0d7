import CoxswainCatalog
import Foundation

/// The folder of this suite's fixture files.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// The path of a file under `Tests/CatalogTests/Fixtures`.
func fixture(_ name: String) -> String {
    fixturesFolder + "/" + name
}

/// The planner the tests use: targets without a user connect as `operator`.
let planner = CatalogPlanner(defaultUsername: "operator")

/// Parses catalog texts as files named `file`, relative sources starting at `directory`, and
/// merges them in order.
func catalog(_ documents: [(file: String, yaml: String)], directory: String = fixturesFolder) throws(CatalogError) -> Catalog {
    var result = Catalog()
    for document in documents {
        result.merge(try Catalog(yaml: document.yaml, file: document.file, baseDirectory: directory))
    }
    return result
}

/// Plans one catalog text written as `file`.
func plan(_ yaml: String, file: String = "catalog.yaml", directory: String = fixturesFolder) throws(CatalogError) -> BootstrapPlan {
    try planner.plan(try catalog([(file, yaml)], directory: directory))
}

/// The error planning catalog texts fails with, or `nil` when they plan.
func planFailure(_ documents: [(file: String, yaml: String)], directory: String = fixturesFolder) -> CatalogError? {
    do {
        _ = try planner.plan(try catalog(documents, directory: directory))
        return nil
    } catch {
        return error
    }
}

/// The error planning one catalog text fails with, or `nil` when it plans.
func planFailure(_ yaml: String, file: String = "catalog.yaml", directory: String = fixturesFolder) -> CatalogError? {
    planFailure([(file, yaml)], directory: directory)
}

/// The commands of a host's `RUN` steps, in order.
func commands(_ host: BootstrapHost) -> [String] {
    host.steps.compactMap { step in
        if case .run(let command) = step.action { return command }
        return nil
    }
}

/// A folder of its own under the system's temporary folder, removed by ``remove()``.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "catalog-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` (sub-folders created), with permission bits `mode`.
    @discardableResult
    func write(_ name: String, _ contents: String, mode: Int = 0o644) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The permission bits of the file at `path` (fixture modes depend on the checkout's umask).
func fileMode(_ path: String) throws -> UInt32 {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.posixPermissions] as? NSNumber)?.uint32Value ?? 0) & 0o7777
}
