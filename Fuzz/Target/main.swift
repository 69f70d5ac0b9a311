import Foundation
import FuzzEntryPoints

/// libFuzzer's entry point, built by `deploy/local.sh fuzz` with `-sanitize=fuzzer,address`; the entry point
/// fuzzed is `KINEXUS_FUZZ_TARGET`, one of `FuzzEntryPoints.all`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Selected.entryPoint(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

enum Selected {
    static let entryPoint: @Sendable ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["KINEXUS_FUZZ_TARGET"] ?? ""
        guard let entryPoint = FuzzEntryPoints.all[name] else {
            fatalError("KINEXUS_FUZZ_TARGET='\(name)': set it to one of \(FuzzEntryPoints.all.keys.sorted().joined(separator: ", "))")
        }
        return entryPoint
    }()
}
