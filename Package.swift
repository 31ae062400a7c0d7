// swift-tools-version: 6.2
import PackageDescription

/// Coxswain: one package, five service executables plus the `coxswain` CLI.
/// Layout: `Shared/<Module>` (common code), `Services/<Name>/Sources/{<Name>Service,coxswain-<name>}`,
/// `CLI/Sources/{CoxswainCLI,coxswain}`, `Tests/<Suite>`.

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let configuration = Target.Dependency.product(name: "Configuration", package: "swift-configuration")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")

func service(_ name: String, executable: String, dependencies: [Target.Dependency]) -> [Target] {
    [
        .target(
            name: "\(name)Service", dependencies: dependencies + ["CoxswainObservability", metrics], path: "Services/\(name)/Sources/\(name)Service"),
        .executableTarget(
            name: executable,
            dependencies: [.target(name: "\(name)Service"), "CoxswainConfig", "CoxswainCore", "CoxswainObservability", lifecycle, log, argumentParser],
            path: "Services/\(name)/Sources/\(executable)"
        ),
    ]
}

let package = Package(
    name: "coxswain",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coxswain-gateway", targets: ["coxswain-gateway"]),
        .executable(name: "coxswain-scheduler", targets: ["coxswain-scheduler"]),
        .executable(name: "coxswain-deployer", targets: ["coxswain-deployer"]),
        .executable(name: "coxswain-audit", targets: ["coxswain-audit"]),
        .executable(name: "coxswain-bootstrapper", targets: ["coxswain-bootstrapper"]),
        .executable(name: "coxswain", targets: ["coxswain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/stencilproject/Stencil.git", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C libraries from Debian.
        .systemLibrary(
            name: "CRabbitMQ", path: "Shared/CRabbitMQ", pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),

        .systemLibrary(name: "CSSH2", path: "Shared/CSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(name: "CSodium", path: "Shared/CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),

        // Shared modules, one concern each.
        .target(name: "CoxswainCore", dependencies: [], path: "Shared/CoxswainCore"),
        // Process plumbing every service shares: dedicated threads, loop and shutdown services, the migration gate, failure classes.
        .target(name: "CoxswainRuntime", dependencies: [lifecycle], path: "Shared/CoxswainRuntime"),
        .target(name: "CoxswainCrypto", dependencies: ["CSodium", "CoxswainRuntime"], path: "Shared/CoxswainCrypto"),
        .target(name: "CoxswainYAML", dependencies: [yams], path: "Shared/CoxswainYAML"),
        .target(name: "CoxswainOrchestration", dependencies: ["CoxswainCore", "CoxswainCrypto", "CoxswainYAML", yams], path: "Shared/CoxswainOrchestration"),
        .target(name: "CoxswainSSH", dependencies: ["CSSH2", log], path: "Shared/CoxswainSSH"),
        .target(name: "CoxswainCatalog", dependencies: ["CoxswainCore", "CoxswainTemplating", "CoxswainYAML", yams], path: "Shared/CoxswainCatalog"),
        .target(
            name: "CoxswainTemplating", dependencies: [.product(name: "Stencil", package: "Stencil")], path: "Shared/CoxswainTemplating"
        ),
        .target(name: "CoxswainAMQP", dependencies: ["CRabbitMQ", "CoxswainRuntime", log, lifecycle, metrics], path: "Shared/CoxswainAMQP"),
        // Health and metrics: the Prometheus bootstrap, readiness checks, the /health and /metrics listener.
        .target(
            name: "CoxswainObservability",
            dependencies: [
                hummingbird, log, lifecycle, metrics, .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Shared/CoxswainObservability", exclude: ["README.md"]),
        .target(
            name: "CoxswainMessaging",
            dependencies: ["CoxswainCore", "CoxswainRuntime", "CoxswainAMQP", "CoxswainCrypto", "CoxswainObservability", log, lifecycle, metrics],
            path: "Shared/CoxswainMessaging"),
        .target(name: "CoxswainBrokerAdmin", dependencies: ["CoxswainAMQP", "CoxswainCore", httpClient, log], path: "Shared/CoxswainBrokerAdmin"),
        .target(
            name: "CoxswainNotify",
            dependencies: [
                "CoxswainRuntime", httpClient, log, nioCore, .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Shared/CoxswainNotify"
        ),
        .target(
            name: "CoxswainStore", dependencies: ["CoxswainCore", "CoxswainDelivery", "CoxswainRuntime", "CoxswainCrypto", postgres, log, lifecycle],
            path: "Shared/CoxswainStore"),
        .target(
            name: "CoxswainConfig", dependencies: [configuration, log, yams, argumentParser, .product(name: "SystemPackage", package: "swift-system")],
            path: "Shared/CoxswainConfig"),
        .target(
            name: "CoxswainContainerEngine",
            dependencies: ["CoxswainCore", httpClient, log, nioCore, .product(name: "NIOFoundationCompat", package: "swift-nio")],
            path: "Shared/CoxswainContainerEngine", exclude: ["README.md"]),
        .target(name: "CoxswainDelivery", dependencies: ["CoxswainCore"], path: "Shared/CoxswainDelivery", exclude: ["README.md"]),
        .target(
            name: "CoxswainRegistry",
            dependencies: ["CoxswainCore", httpClient, log, nioCore, .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/CoxswainRegistry", exclude: ["README.md"]),
    ]
        + service(
            "Gateway", executable: "coxswain-gateway",
            dependencies: [
                "CoxswainNotify",
                "CoxswainCore", "CoxswainAMQP", "CoxswainMessaging", "CoxswainStore", "CoxswainConfig", "CoxswainCrypto", "CoxswainBrokerAdmin",
                "CoxswainOrchestration", "CoxswainCatalog", "CoxswainRegistry", "CoxswainDelivery", hummingbird, postgres, lifecycle, log, nioCore, httpClient,
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ])
        + service(
            "Scheduler", executable: "coxswain-scheduler",
            dependencies: [
                "CoxswainCore", "CoxswainAMQP", "CoxswainMessaging", "CoxswainStore", "CoxswainConfig", "CoxswainCrypto", "CoxswainOrchestration",
                "CoxswainDelivery", postgres,
                lifecycle, log,
            ])
        + service(
            "Deployer", executable: "coxswain-deployer",
            dependencies: [
                "CoxswainCore", "CoxswainRuntime", "CoxswainContainerEngine", "CoxswainAMQP", "CoxswainMessaging", "CoxswainConfig", "CoxswainCrypto",
                "CoxswainOrchestration", "CoxswainTemplating", "CoxswainDelivery",
                grdb, lifecycle, log, httpClient, nioCore,
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ])
        + service(
            "Bootstrapper", executable: "coxswain-bootstrapper",
            dependencies: [
                "CoxswainCore", "CoxswainAMQP", "CoxswainMessaging", "CoxswainStore", "CoxswainConfig", "CoxswainCrypto", "CoxswainCatalog", "CoxswainSSH",
                postgres, lifecycle, log, nioCore,
            ])
        + service(
            "Audit", executable: "coxswain-audit",
            dependencies: [
                "CoxswainCore", "CoxswainAMQP", "CoxswainMessaging", "CoxswainStore", "CoxswainConfig", "CoxswainCrypto", "CoxswainNotify", postgres, lifecycle,
                log,
            ])
        + [
            .target(
                name: "CoxswainCLI",
                dependencies: [
                    "CoxswainCore", "CoxswainConfig", "CoxswainOrchestration", "CoxswainCrypto", "CoxswainCatalog", "CoxswainTemplating", "CoxswainYAML",
                    argumentParser,
                    httpClient, yams, nioCore,
                    .product(name: "NIOFoundationCompat", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                ],
                path: "CLI/Sources/CoxswainCLI"
            ),
            .executableTarget(name: "coxswain", dependencies: ["CoxswainCLI"], path: "CLI/Sources/coxswain"),

            .testTarget(name: "CoreTests", dependencies: ["CoxswainCore", "CoxswainConfig"], path: "Tests/CoreTests"),
            .testTarget(name: "AMQPTests", dependencies: ["CoxswainAMQP", "CoxswainCore", log, lifecycle], path: "Tests/AMQPTests"),
            .testTarget(
                name: "BrokerAdminTests", dependencies: ["CoxswainBrokerAdmin", "CoxswainAMQP", "CoxswainCore", log, lifecycle], path: "Tests/BrokerAdminTests"
            ),
            .testTarget(name: "OrchestrationTests", dependencies: ["CoxswainOrchestration"], path: "Tests/OrchestrationTests", exclude: ["Fixtures"]),
            .testTarget(name: "SSHTests", dependencies: ["CoxswainSSH", log], path: "Tests/SSHTests"),
            .testTarget(name: "CatalogTests", dependencies: ["CoxswainCatalog", "CoxswainTemplating"], path: "Tests/CatalogTests", exclude: ["Fixtures"]),
            .testTarget(name: "TemplatingTests", dependencies: ["CoxswainTemplating"], path: "Tests/TemplatingTests"),
            .testTarget(
                name: "NotifyTests",
                dependencies: [
                    "CoxswainNotify", log, nioCore, .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                ],
                path: "Tests/NotifyTests"
            ),
            .testTarget(name: "CryptoTests", dependencies: ["CoxswainCrypto"], path: "Tests/CryptoTests"),
            .testTarget(
                name: "ObservabilityTests",
                dependencies: [
                    "CoxswainObservability", "CoxswainConfig", "CoxswainMessaging", "CoxswainAMQP", metrics, log, lifecycle, httpClient,
                    .product(name: "Prometheus", package: "swift-prometheus"),
                ],
                path: "Tests/ObservabilityTests"),
            .testTarget(
                name: "ContainerEngineTests", dependencies: ["CoxswainContainerEngine", "CoxswainCore", log, httpClient, nioCore],
                path: "Tests/ContainerEngineTests"),
            .testTarget(name: "DeliveryTests", dependencies: ["CoxswainDelivery", "CoxswainCore"], path: "Tests/DeliveryTests"),
            .testTarget(
                name: "RegistryTests",
                dependencies: [
                    "CoxswainRegistry", "CoxswainCore", log, httpClient, nioCore, .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                ],
                path: "Tests/RegistryTests"),
            .testTarget(name: "CLITests", dependencies: ["CoxswainCLI"], path: "Tests/CLITests"),
            .testTarget(name: "SchedulerTests", dependencies: ["SchedulerService", "CoxswainCore", "CoxswainOrchestration"], path: "Tests/SchedulerTests"),
            .testTarget(name: "GatewayTests", dependencies: ["GatewayService", "CoxswainCore"], path: "Tests/GatewayTests"),
            .testTarget(name: "DeployerTests", dependencies: ["DeployerService", "CoxswainCore"], path: "Tests/DeployerTests"),
            .testTarget(
                name: "IntegrationTests",
                dependencies: [
                    "CoxswainCore", "CoxswainRuntime", "CoxswainStore", "CoxswainAMQP", "CoxswainMessaging", "CoxswainCrypto", "CoxswainContainerEngine",
                    "DeployerService", "GatewayService", postgres, log, httpClient,
                ],
                path: "Tests/IntegrationTests"
            ),
        ]
)
