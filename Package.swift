// swift-tools-version: 6.1
import PackageDescription

// The layout shows the architecture (docs/architecture.md is the map):
//   SpotSupport    CPU helpers shared by the core and the edges: parallelMap, the JSON scanner
//   SpotCore       the pure core: model, configuration, rules, derived views (CloudView), the
//                  snapshot's files and diff; no network, no git, no process state
//   SpotAPI        the seed's API shapes, encoded from the derived views (static API, serve)
//   SpotSite       the dashboard's pages from the derived views; reads template overrides from disk
//   CLibgit2       Debian's libgit2-dev, found by pkg-config
//   GitStore       the one place where git work happens (an actor over libgit2)
//   SpotClients    clients of Keystone, Nova, Neutron, NetBox and Hyperstack; CloudReader
//   SpotKit        application services: RepositoryReader, SnapshotWriter, Snapshotter,
//                  SiteBuilder, SnapshotComparer, RepositoryInitializer (no simulator)
//   SpotApply      `apply`: the engine that runs change files over a small protocol of cloud
//                  actions (CloudActions), which SpotClients' CloudReader implements
//   SpotSimulator  the simulated cloud: Keystone, Nova, Neutron, NetBox, Hyperstack on loopback
//   SpotServe      `serve`: the seed's REST API over the site, the planner and the apply engine
//   SpotDemo       `demo` and `simulate`: the simulator wired to the services
//   spotctl        the executable: parses arguments, resolves the process (environment, working
//                  directory, identity, clock) once, and calls the libraries
//   spotctl-bench  benchmarks (Benchmarks/); TestSupport: helpers shared by the test targets
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "spotctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "spotctl", targets: ["spotctl"]),
        .library(name: "SpotCore", targets: ["SpotCore"]),
        .library(name: "GitStore", targets: ["GitStore"]),
        .library(name: "SpotKit", targets: ["SpotKit"]),
        .library(name: "SpotApply", targets: ["SpotApply"]),
        .library(name: "SpotSimulator", targets: ["SpotSimulator"]),
        .library(name: "SpotSite", targets: ["SpotSite"]),
        .library(name: "SpotAPI", targets: ["SpotAPI"]),
        .library(name: "SpotDemo", targets: ["SpotDemo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        // traits: [] keeps Hummingbird from rebuilding when `swift build` and `swift test` alternate.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", exact: "1.5.0"),
    ],
    targets: [
        .target(
            name: "SpotSupport",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotCore",
            dependencies: ["SpotSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "GitStore",
            dependencies: ["CLibgit2", "SpotSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotClients",
            dependencies: [
                "SpotCore",
                "SpotSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotAPI",
            dependencies: ["SpotCore", "SpotSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotSite",
            dependencies: ["SpotCore", "SpotAPI", "SpotSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotKit",
            dependencies: ["SpotCore", "SpotSupport", "GitStore", "SpotClients", "SpotSite"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotApply",
            dependencies: ["SpotKit", "SpotCore", "SpotSupport", "GitStore", "SpotClients"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotServe",
            dependencies: [
                "SpotKit", "SpotApply", "SpotAPI", "SpotSite", "SpotCore", "SpotSupport", "SpotClients",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotDemo",
            dependencies: ["SpotKit", "SpotApply", "SpotCore", "GitStore", "SpotSimulator", "SpotSupport"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "spotctl",
            dependencies: [
                "SpotKit", "SpotApply", "SpotDemo", "SpotServe", "SpotCore", "SpotSimulator", "SpotSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "spotctl-bench",
            dependencies: ["SpotKit", "SpotApply", "SpotDemo", "SpotServe", "SpotCore", "SpotSupport", "GitStore", "SpotClients", "SpotSimulator",
                           "SpotSite", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")],
            path: "Benchmarks",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["SpotCore"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpotCoreTests",
            dependencies: ["SpotCore", "SpotSupport", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GitStoreTests",
            dependencies: ["GitStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpotSimulatorTests",
            dependencies: ["SpotSimulator", "TestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpotClientsTests",
            dependencies: ["SpotClients", "SpotCore", "SpotSimulator", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpotSiteTests",
            dependencies: ["SpotSite", "SpotAPI", "SpotCore", "SpotKit", "SpotDemo", "GitStore", "SpotSimulator", "TestSupport",
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpotKitTests",
            dependencies: ["SpotKit", "SpotApply", "SpotDemo", "SpotServe", "SpotAPI", "SpotCore", "GitStore", "SpotClients", "SpotSimulator",
                           "TestSupport", .product(name: "Yams", package: "Yams"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
