// The fixtures shared by the tests of Dissection, ProbeTools and Workflows, read through this
// target's Bundle.module: Fixtures/tiny, a hand-written dataset carrying the real Broden's quirks
// (see its README), and Fixtures/planted, the planted model (PlantedProbe.modelPath). Generated
// fixtures say in their README or script how to regenerate them.
import Foundation

/// A fixture folder is missing from the test bundle.
public struct MissingFixture: Error, CustomStringConvertible {
    /// The fixture's name.
    public let name: String
    public var description: String { "fixture '\(name)' is not in the test bundle; check Package.swift's resources" }
}

/// The directory of fixture `name` (`tiny`).
public func fixtureDirectory(_ name: String) throws -> String {
    guard let base = Bundle.module.resourcePath else { throw MissingFixture(name: name) }
    let path = "\(base)/Fixtures/\(name)"
    guard FileManager.default.fileExists(atPath: path) else { throw MissingFixture(name: name) }
    return path
}
