// Where the explorer's data comes from, as two small protocols: a source it reads (any run
// directory, finished or being written) and a control for a run this process drives.

import Render

/// Identifies one unit of one layer.
public struct UnitKey: Hashable, Sendable, CustomStringConvertible {
    public var layer: String
    /// The unit number, 1-based.
    public var unit: Int

    /// A key from its parts.
    public init(layer: String, unit: Int) { self.layer = layer; self.unit = unit }

    /// `layer#unit`.
    public var description: String { "\(layer)#\(unit)" }
}

/// One of a unit's top images, with the unit's mask already overlaid.
public struct UnitImage: Sendable, Equatable {
    /// Rank among the unit's top images, 0 = strongest.
    public var rank: Int
    /// The image's index in the probe dataset.
    public var imageIndex: Int
    /// The image file, relative to the dataset.
    public var path: String
    /// The unit's largest activation on this image.
    public var maxActivation: Double
    /// Fraction of the image covered by the unit's mask (0...1).
    public var maskFraction: Double
    /// The image with the mask overlaid (outside dimmed), at its stored size.
    public var picture: RGBImage
    /// `picture` with the unit's stored formula's mask outlined too (FormulaOutline); nil when
    /// the unit has no formula or the image's labels could not be read.
    public var formulaPicture: RGBImage?

    /// An image from its parts.
    public init(rank: Int, imageIndex: Int, path: String, maxActivation: Double, maskFraction: Double, picture: RGBImage) {
        self.rank = rank; self.imageIndex = imageIndex; self.path = path
        self.maxActivation = maxActivation; self.maskFraction = maskFraction; self.picture = picture
    }
}

/// A readable run: called from background threads, never from the UI thread.
public protocol RunSource: Sendable {
    /// The run as it is now. Must not block a writer; may be called every few hundred ms.
    func snapshot() throws -> RunSnapshot
    /// The top images of `key`'s unit with its mask overlaid, strongest first, at most `limit`.
    func topImages(of key: UnitKey, limit: Int) throws -> [UnitImage]
}

/// A run this process drives: pausable, cancellable, and announcing changes.
public protocol RunDriver: Sendable {
    /// One element whenever the run has written something worth reading; finishes when the run ends.
    var updates: AsyncStream<Void> { get }
    /// Pauses at the next batch boundary; returns at once.
    func pause()
    /// Resumes a paused run; returns at once.
    func resume()
    /// Stops the run at the next batch boundary, keeping what it has written; returns at once.
    func cancel()
    /// Waits (off the UI thread) until the run has stopped after `cancel()` or finished.
    func waitUntilStopped()
}
