// swift-tools-version:6.1
import PackageDescription

/// `kinexus-fuzz`, the libFuzzer binary over Kinexus's entry points (`deploy/local.sh fuzz`), built with
/// `-sanitize=fuzzer`: a package of its own, so the main package's executables are what the image runs.
let package = Package(
    name: "kinexus-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "kinexus", path: "..")],
    targets: [
        .executableTarget(
            name: "kinexus-fuzz",
            dependencies: [.product(name: "FuzzEntryPoints", package: "kinexus")],
            path: "Target"
        ),
    ]
)
