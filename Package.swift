// swift-tools-version: 6.1
import PackageDescription

// The layout shows the architecture:
//   SpotCore   pure domain: model, configuration, rules, summaries, recommendation (no I/O)
//   CLibgit2   Debian's libgit2-dev, found by pkg-config
//   GitStore   the one place where git work happens (an actor over libgit2)
//   SpotKit    application services: the operations repository, loading files, commands' logic
//   spotctl    the executable: parses arguments and calls the libraries
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "spotctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "spotctl", targets: ["spotctl"]),
        .library(name: "SpotCore", targets: ["SpotCore"]),
        .library(name: "GitStore", targets: ["GitStore"]),
        .library(name: "SpotKit", targets: ["SpotKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        .target(
            name: "SpotCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "GitStore",
            dependencies: ["CLibgit2"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SpotKit",
            dependencies: ["SpotCore", "GitStore"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "spotctl",
            dependencies: [
                "SpotKit", "SpotCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
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
            dependencies: ["SpotCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GitStoreTests",
            dependencies: ["GitStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpotKitTests",
            dependencies: ["SpotKit", "SpotCore", "GitStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
