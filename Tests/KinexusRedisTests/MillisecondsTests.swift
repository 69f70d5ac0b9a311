import Foundation
import KinexusRedis
import Testing

struct MillisecondsTests {
    @Test func aDateBecomesWholeMillisecondsClampedToWhatAStreamIDHolds() {
        #expect(Date(timeIntervalSince1970: 1_795_341_600.2509).millisecondsSince1970 == 1_795_341_600_250)
        #expect(Date(timeIntervalSince1970: -86_400).millisecondsSince1970 == 0)
        #expect(Date(timeIntervalSince1970: 1e300).millisecondsSince1970 == .max)
    }
}
