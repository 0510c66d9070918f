import Foundation
import Testing
@testable import Dissection

/// The run store's times read as ISO8601DateFormatter writes them (its default options).
@Suite struct UTCTimestampTests {
    @Test(arguments: [0.0, 951_782_400.5, 1_796_554_003.999, 2_147_483_648, 4_102_444_799, 1_709_164_800, -86_400.25])
    func matchesFoundationsFormatter(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(UTCTimestamp.string(from: date) == ISO8601DateFormatter().string(from: date))
    }

    @Test func knownInstants() {
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        // 2000-02-29 (a leap day of a century year divisible by 400), just before midnight.
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 951_868_799.9)) == "2000-02-29T23:59:59Z")
    }
}
