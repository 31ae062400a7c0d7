import Foundation

/// A UTF-8 text file read whole, with its folder (where paths written in it start): orchestration
/// files and bootstrap catalogs.
public struct TextFile: Sendable {
    public let text: String
    /// The file's absolute, standardized folder.
    public let directory: String

    /// Why a file could not be read, in words for the operator (`reason` never has the content).
    public struct Unreadable: Error, Sendable {
        public let reason: String
    }

    public static func read(_ path: String) throws(Unreadable) -> TextFile {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Unreadable(reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Unreadable(reason: "it is not UTF-8 text") }
        return TextFile(text: text, directory: url.standardizedFileURL.deletingLastPathComponent().path)
    }
}
