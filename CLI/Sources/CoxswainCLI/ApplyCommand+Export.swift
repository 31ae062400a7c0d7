import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain export product NAME`: writes a product in the format `coxswain apply -f` reads, so
/// that applying the export changes nothing.
package struct ExportCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the team's definitions as files `coxswain apply` reads.", subcommands: [Product.self])
    package init() {}

    struct Product: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A product with its versions and images as a product file (YAML; JSON with --output json).",
            discussion: """
                -o is the output format here as everywhere, so the file is named with -f.
                Examples:
                  coxswain export product shop -f shop.yaml
                  coxswain apply -f shop.yaml          # nothing changed
                """)
        @Argument var name: String
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var file: String?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let product = try await global.withClient { client in
                try await client.get(APIRoute.getProduct.path(["product": name]), as: ProductInfo.self)
            }
            let exported = ProductFile(product)
            let text: String
            if global.output == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                text = String(decoding: try encoder.encode(exported), as: UTF8.self) + "\n"
            } else {
                text = try exported.yaml()
            }
            guard let file else { return print(text, terminator: "") }
            do {
                try text.write(toFile: (file as NSString).expandingTildeInPath, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("error: cannot write \(file): \(error.localizedDescription)\n".utf8))
                throw ExitCode(1)
            }
            FileHandle.standardError.write(Data("wrote product \(name) to \(file)\n".utf8))
        }
    }
}
