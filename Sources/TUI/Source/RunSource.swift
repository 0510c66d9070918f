// Where the explorer's data comes from, as two small protocols: a source it reads (any run
// directory, finished or being written) and a control for a run this process drives.

import Render

/// Identifies one unit of one layer.
public struct UnitKey: Hashable, Sendable, CustomStringConvertible {
    /// The layer name.
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

/// Events of a run this process drives, as the explorer consumes them.
public enum RunEvent: Sendable, Equatable {
    /// Progress changed; a fresh snapshot is worth reading.
    case progressed
    /// Provisional or final results were written.
    case checkpoint
    /// The run ended (finished, cancelled or failed: the next snapshot says which).
    case ended
}

/// A run this process drives: pausable, cancellable, and reporting as it goes.
public protocol RunControl: Sendable {
    /// Events until the run ends; finishes after `.ended`.
    var events: AsyncStream<RunEvent> { get }
    /// Pauses between batches; returns at once.
    func pause()
    /// Resumes a paused run; returns at once.
    func resume()
    /// Stops the run, keeping what it has written; returns at once.
    func cancel()
}
