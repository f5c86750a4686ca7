// swift-tools-version: 6.0
import Foundation
import PackageDescription

let librarySettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "netreach",
    products: [
        .executable(name: "netreach", targets: ["netreach"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"]), .brew(["graphviz"])]
        ),
        // The git commit `netreach version` prints, written by `make` (scripts/build-info.sh).
        .target(name: "CBuildInfo"),
        .target(name: "YAMLTree", dependencies: ["CLibYAML"], swiftSettings: librarySettings),
        .target(name: "KubeModel", swiftSettings: librarySettings),
        .target(name: "Parallel", swiftSettings: librarySettings),
        .target(name: "Manifests", dependencies: ["YAMLTree", "KubeModel", "Parallel"], swiftSettings: librarySettings),
        .target(name: "Reachability", dependencies: ["KubeModel", "Parallel"], swiftSettings: librarySettings),
        .target(name: "Reports", dependencies: ["Reachability", "KubeModel", "Parallel"], swiftSettings: librarySettings),
        .target(
            name: "Diagrams",
            dependencies: ["Reachability", "KubeModel", "CGraphviz"],
            swiftSettings: librarySettings
        ),
        .executableTarget(
            name: "netreach",
            dependencies: [
                "KubeModel", "Manifests", "Reachability", "Reports", "Diagrams", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "YAMLTreeTests", dependencies: ["YAMLTree", "TestSupport"]),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel", "TestSupport"]),
        // Every module a test target imports is listed, so an interface change rebuilds the tests that use it.
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "KubeModel", "TestSupport"]),
        // Reports renders the structured reasons the check tests compare as text.
        .testTarget(
            name: "ReachabilityTests",
            dependencies: ["Reachability", "Manifests", "KubeModel", "Parallel", "Reports", "TestSupport"]
        ),
        // Golden-file comparison shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Reachability", "Manifests", "KubeModel", "TestSupport"]
        ),
        .testTarget(
            name: "DiagramsTests",
            dependencies: ["Diagrams", "Reachability", "Manifests", "KubeModel", "TestSupport"]
        ),
        .testTarget(name: "netreachTests", dependencies: ["netreach"]),
        // Every path from bytes to reports, for the fuzzer and for replaying its crashers in `make test`.
        .target(
            name: "FuzzHarness",
            dependencies: ["Manifests", "KubeModel", "Reachability", "Reports", "Diagrams", "YAMLTree"],
            path: "Fuzz/Harness",
            swiftSettings: librarySettings
        ),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzHarness", "KubeModel"]),
    ]
)

// The libFuzzer target exists only for `make fuzz` (NETREACH_FUZZ=1), built with -sanitize=fuzzer,address:
// its main hands over to libFuzzer's driver, which an ordinary build does not link.
if ProcessInfo.processInfo.environment["NETREACH_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(name: "netreach-fuzz", dependencies: ["FuzzHarness"], path: "Fuzz/Entry")
    )
}
