import KinexusServiceKit
import Testing

/// A setting no timer can hold stops the service with its name, instead of trapping at the conversion.
struct SettingsTests {
    @Test(arguments: ["1e300", "1e300s", "9e15h", "0.0001ms", "inf", "nan", "-5s", "0"])
    func aDurationOutOfRangeIsRefusedNamingTheVariable(value: String) {
        #expect {
            try ServiceConfiguration(service: "ingress", environment: ["KINEXUS_VISIBILITY_TIMEOUT": value])
        } throws: { error in
            "\(error)".contains("KINEXUS_VISIBILITY_TIMEOUT")
        }
    }

    @Test func durationsInRangeAreRead() throws {
        let configuration = try ServiceConfiguration(service: "ingress", environment: [
            "KINEXUS_VISIBILITY_TIMEOUT": "500ms", "KINEXUS_REQUEST_TIMEOUT": "8784h",
        ])
        #expect(configuration.bus.visibilityTimeout == .milliseconds(500))
        #expect(configuration.requestTimeout == .seconds(8784 * 3600))
        #expect(configuration.longestWait == .seconds(10))
        let short = try ServiceConfiguration(service: "ingress", environment: ["KINEXUS_REQUEST_TIMEOUT": "3s"])
        #expect(short.longestWait == .seconds(2), "a wait stays a second under the deadline")
    }
}
