// What the explorer knows beyond the run it shows, for the experiment views: other runs to
// compare units with (`explore RUN --compare OTHER`), read once at start, and the rotation
// settings when the run was made by `netdissect rotate`.

import Dissection
import Foundation
import Workflows

/// Another run, as read when the explorer started.
public struct ComparedRunData: Sendable, Hashable {
    /// Short name (its directory's name).
    public var name: String
    /// Its results at that moment.
    public var snapshot: RunSnapshot

    /// A run from its parts.
    public init(name: String, snapshot: RunSnapshot) { self.name = name; self.snapshot = snapshot }
}

/// Extra data for the experiment views.
public struct ExperimentData: Sendable, Equatable {
    /// Runs to follow units through, in the order given (the shown run comes first in views).
    public var others: [ComparedRunData]
    /// The rotation, when the shown run is a rotation run.
    public var rotation: RotationManifest?

    /// Experiment data from its parts (none by default).
    public init(others: [ComparedRunData] = [], rotation: RotationManifest? = nil) {
        self.others = others; self.rotation = rotation
    }

    /// Reads the rotation settings of the run at `main` and a snapshot of every run in `compare`.
    /// - Throws: a one-line message naming the run that could not be read.
    public static func load(main: String, compare: [String]) throws(ExploreFailure) -> ExperimentData {
        var data = ExperimentData()
        do { data.rotation = try RotationManifest.read(directory: main) } catch {
            throw ExploreFailure("\(error)")
        }
        var names = compare.map { ((($0 as NSString).standardizingPath) as NSString).lastPathComponent }
        if Set(names).count != names.count || names.contains(((main as NSString).standardizingPath as NSString).lastPathComponent) {
            names = compare
        }
        for (path, name) in zip(compare, names) {
            do {
                data.others.append(ComparedRunData(name: name, snapshot: try RunReaderSource(path: path).snapshot()))
            } catch {
                let text = (error as? RunError)?.description ?? "\(path): \(error)"
                throw ExploreFailure(text + "; --compare takes run directories written by netdissect dissect")
            }
        }
        return data
    }
}
