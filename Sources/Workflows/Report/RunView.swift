// What the viewing commands (`unit`, `summary`, `report`) share: opening a run, finding a layer
// and a unit, finding the probe images, and the one-line failures they print.
import Dissection
import Foundation
import Render

/// A viewing command could not do its job: the one line to print (`<file>: <cause>; <hint>`).
public struct ViewFailure: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An opened run with what the viewers need from it.
public struct RunView: Sendable {
    public let reader: RunReader
    public let configuration: RunConfiguration
    public let progress: RunProgress
    public let layers: [RunLayer]
    /// Categories in the run's order.
    public let categories: [ConceptCategory]
    /// What to say once before the run's numbers (`RunNotice`), each one line.
    public let notices: [String]
    /// Whether the run says running or paused but its writer is gone (`RunReader.writerIsGone`).
    public var writerGone = false

    /// Opens the run at `path` (a run directory or its run.sqlite).
    public static func open(_ path: String) throws(ViewFailure) -> RunView {
        do {
            let reader = try RunReader.open(path)
            // A sharded run: how far its shards are in the current pass.
            let progress = try ShardedProgress.read(reader)?.combined ?? reader.progress()
            var view = RunView(reader: reader, configuration: try reader.configuration(), progress: progress,
                               layers: try reader.layers(), categories: try reader.categories(),
                               notices: try RunNotice.notices(reader).map(TerminalText.sanitize))
            view.writerGone = reader.writerIsGone(progress)
            return view
        } catch let error as RunError {
            throw ViewFailure(TerminalText.sanitize(error.description))
        } catch {
            throw ViewFailure("\(path): \(TerminalText.sanitize("\(error)")); is this a run directory written by netdissect dissect?")
        }
    }

    /// The layer called `name`, or a failure listing the run's layers.
    public func layer(_ name: String) throws(ViewFailure) -> RunLayer {
        if let layer = layers.first(where: { $0.name == name }) { return layer }
        let names = layers.map { TerminalText.sanitize($0.name) }.joined(separator: ", ")
        throw ViewFailure("\(reader.databasePath): no layer '\(TerminalText.sanitize(name))' in this run; its layers are: \(names.isEmpty ? "(none)" : names)")
    }

    /// The result of 1-based `unit` of `layer`, or a failure saying the valid range.
    public func unit(_ layer: RunLayer, number unit: Int) throws(ViewFailure) -> UnitResult {
        guard unit >= 1 && unit <= layer.units else {
            throw ViewFailure("\(TerminalText.sanitize(layer.name)): no unit \(unit); units are numbered 1 to \(layer.units) (as in tally.csv)")
        }
        do {
            guard let result = try reader.unit(layer: layer.name, unit: unit - 1) else {
                throw ViewFailure("\(reader.databasePath): unit \(unit) of \(TerminalText.sanitize(layer.name)) has no results yet; wait for the run's first checkpoint")
            }
            return result
        } catch let failure as ViewFailure { throw failure } catch {
            throw ViewFailure(TerminalText.sanitize("\(error)"))
        }
    }

    /// Top images of 0-based `unit`.
    public func topImages(_ layer: RunLayer, unit: Int) throws(ViewFailure) -> [TopImage] {
        do { return try reader.topImages(layer: layer.name, unit: unit) } catch {
            throw ViewFailure(TerminalText.sanitize("\(error)"))
        }
    }

    /// Every unit's result in `layer`.
    public func units(_ layer: RunLayer) throws(ViewFailure) -> [UnitResult] {
        do { return try reader.units(layer: layer.name) } catch {
            throw ViewFailure(TerminalText.sanitize("\(error)"))
        }
    }

    /// The probe dataset directory: `override` when given, else the run's; a failure with a
    /// hint when it has no `images/` folder (the run was made on another machine).
    public func datasetDirectory(override: String?) throws(ViewFailure) -> String {
        let dir = override ?? configuration.dataset
        guard ProbePaths.isDirectory(ProbePaths.join(dir, "images")) else {
            let via = override == nil ? "the dataset this run was made with" : "--dataset"
            throw ViewFailure("\(TerminalText.sanitize(dir)): no images/ folder here (\(via)); pass --dataset with the probe dataset's directory")
        }
        return dir
    }

    /// A one-line state of the run: finished, or which pass and how far.
    public var stateLine: String {
        if progress.isFinished { return "finished" }
        let pct = Int((progress.fraction * 100).rounded())
        if writerGone {
            return "stopped (the writer is gone) in pass \(progress.pass) of \(progress.passes) (\(progress.passName)), \(pct) % done; the same dissect command continues it; results are provisional"
        }
        return "\(progress.status.rawValue), pass \(progress.pass) of \(progress.passes) (\(progress.passName)), \(pct) % done; results are provisional"
    }
}
