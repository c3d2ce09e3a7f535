import ArgumentParser

/// `parley`: one binary, several roles.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: a self-hostable, multi-tenant AI chat platform for websites.",
        discussion: """
        Configuration comes from parley.yaml (or --config), then .env, then the environment.
        See parley.example.yaml for every key.
        """,
        subcommands: [ServeCommand.self, WorkerCommand.self, MigrateCommand.self, TenantCommand.self, AdminCommand.self, IngestCommand.self, EvalCommand.self, BenchCommand.self],
        defaultSubcommand: nil)
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @ArgumentParser.Option(name: .long, help: "Path of the YAML configuration (default: ./parley.yaml if present).")
    var config: String?
}
