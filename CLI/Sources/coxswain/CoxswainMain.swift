import CoxswainCLI

/// `coxswain`: the command line.
@main
enum CoxswainMain {
    static func main() async {
        await CoxswainCommand.main(ArgumentOrder.normalize(Array(CommandLine.arguments.dropFirst())))
    }
}
