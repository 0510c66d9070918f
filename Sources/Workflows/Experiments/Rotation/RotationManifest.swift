// What makes a run directory a rotation run: `rotation.json` beside `run.sqlite`, naming the
// rotated layer, the seed of the random rotation R and the powers α, and which of the run's
// layers holds which α. The run itself is an ordinary dissection whose layers are the tapped layer
// seen through R^α, one per α (`features.13@alpha=0.4`), so every viewer (summary, report,
// explorer, compare) reads it unchanged; this file lets them also draw the curve against α.
import Dissection
import Foundation
import Runtime

/// The rotation settings of a run directory (`rotation.json`).
public struct RotationManifest: Codable, Equatable, Sendable {
    /// File name inside the run directory.
    public static let fileName = RunDirectory.rotationManifest
    /// The format version this code writes.
    public static let currentFormat = 1

    /// Format version.
    public var format: Int
    /// The rotated layer, as the user named it.
    public var layer: String
    /// Its number of units (the size of R).
    public var units: Int
    /// Seed of the random rotation.
    public var seed: UInt64
    /// The powers, ascending.
    public var alphas: [Double]
    /// The run's layer holding each α, in the order of `alphas`.
    public var layers: [String]

    /// A manifest for rotating `layer` (`units` channels) by R (from `seed`) to each of `alphas`.
    public init(layer: String, units: Int, seed: UInt64, alphas: [Double]) {
        self.format = Self.currentFormat
        self.layer = layer
        self.units = units
        self.seed = seed
        self.alphas = alphas
        self.layers = alphas.map { Self.layerName(layer, alpha: $0) }
    }

    /// The run layer that holds `layer` under `R^alpha`: `features.13@alpha=0.4`.
    public static func layerName(_ layer: String, alpha: Double) -> String {
        "\(layer)@alpha=\(formatAlpha(alpha))"
    }

    /// α in at most six significant digits without trailing zeros (`0`, `0.25`, `1`).
    public static func formatAlpha(_ alpha: Double) -> String {
        String(format: "%.6g", alpha == 0 ? 0 : alpha)
    }

    /// Parses `--alphas`: comma-separated numbers in [0, 1], distinct; returned ascending.
    /// - Throws: `RunError.badSetting` naming the bad entry.
    public static func parseAlphas(_ text: String) throws -> [Double] {
        var alphas: [Double] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let token = part.trimmingCharacters(in: .whitespaces)
            guard let value = Double(token), value.isFinite else {
                throw RunError.badSetting("--alphas: '\(token)' is not a number; give a list such as 0,0.2,0.4,0.6,0.8,1")
            }
            guard (0...1).contains(value) else {
                throw RunError.badSetting("--alphas: \(token) is outside [0, 1] (α = 0 is the layer as it is, 1 the full rotation)")
            }
            guard !alphas.contains(where: { formatAlpha($0) == formatAlpha(value) }) else {
                throw RunError.badSetting("--alphas: \(token) is given twice")
            }
            alphas.append(value)
        }
        guard !alphas.isEmpty else { throw RunError.badSetting("--alphas: give at least one α") }
        return alphas.sorted()
    }

    /// The manifest in `directory`, or nil when there is none (not a rotation run).
    /// - Throws: `RunError.corruptState` when the file exists but cannot be read.
    public static func read(directory: String) throws -> RotationManifest? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        // The run's own file: not through a link, and never a FIFO (which would block the read).
        let file: RegularFile
        do { file = try RegularFile(path: path, followLinks: false) } catch {
            throw RunError.corruptState(path: path, reason: "the rotation settings cannot be read (\(error.reason))")
        }
        guard file.size <= 1 << 20 else { throw RunError.corruptState(path: path, reason: "the rotation settings are larger than 1 MB") }
        let data: Data
        do { data = try file.data(at: 0, count: file.size) } catch {
            throw RunError.corruptState(path: path, reason: "the rotation settings cannot be read (\(error.reason))")
        }
        guard let manifest = try? JSONDecoder().decode(RotationManifest.self, from: data) else {
            throw RunError.corruptState(path: path, reason: "the rotation settings are unreadable")
        }
        guard manifest.format == currentFormat, manifest.alphas.count == manifest.layers.count,
              !manifest.alphas.isEmpty, manifest.units >= 1 else {
            throw RunError.corruptState(path: path, reason: "the rotation settings are not in format \(currentFormat)")
        }
        return manifest
    }

    /// Writes the manifest into `directory` (atomically).
    public func write(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw RunError.store(path: path, reason: "cannot write the rotation settings")
        }
    }

    /// One line describing the rotation: `features.13 (96 units), seed 0, α = 0, 0.5, 1`.
    public var summary: String {
        "\(layer) (\(units) units), seed \(seed), α = " + alphas.map(Self.formatAlpha).joined(separator: ", ")
    }
}
