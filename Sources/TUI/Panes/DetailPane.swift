// The unit detail pane's view model: which unit, its top images as they load, which is selected.

/// The state of a unit's top images.
public enum ImagesState: Hashable, Sendable {
    /// Not asked for yet (no unit selected).
    case none
    /// Being read from the run and the dataset.
    case loading
    /// Read: one caption per image, strongest first.
    case loaded([ImageCaption])
    /// Could not be read (one line).
    case failed(String)
}

/// What is shown under one top image.
public struct ImageCaption: Hashable, Sendable {
    /// Rank, 0 = strongest.
    public var rank: Int
    /// Index in the probe dataset.
    public var imageIndex: Int
    /// The image file, relative to the dataset.
    public var path: String
    /// The unit's largest activation on it.
    public var maxActivation: Double
    /// Fraction of the image inside the unit's mask.
    public var maskFraction: Double
    /// The picture's size in pixels (for its aspect ratio).
    public var width: Int, height: Int
    /// Whether a picture with the formula's outline exists.
    public var hasFormula = false

    /// The caption of `image`.
    public init(_ image: UnitImage) {
        rank = image.rank; imageIndex = image.imageIndex; path = image.path
        maxActivation = image.maxActivation; maskFraction = image.maskFraction
        width = image.picture.width; height = image.picture.height
        hasFormula = image.formulaPicture != nil
    }

    /// A caption from its parts.
    public init(rank: Int, imageIndex: Int, path: String, maxActivation: Double, maskFraction: Double,
                width: Int, height: Int) {
        self.rank = rank; self.imageIndex = imageIndex; self.path = path
        self.maxActivation = maxActivation; self.maskFraction = maskFraction
        self.width = width; self.height = height
    }
}

public struct DetailPane: Hashable, Sendable {
    /// The unit shown.
    public var unit: UnitKey?
    public var images: ImagesState = .none
    /// The selected image's rank.
    public var selectedImage = 0
    /// The first image shown in the strip (the strip scrolls to keep the selection visible).
    public var firstImage = 0
    /// The larger view outlines the unit's formula too (`f`).
    public var showFormula = false

    public init() {}

    /// The captions, when loaded.
    public var captions: [ImageCaption] {
        if case .loaded(let c) = images { return c }
        return []
    }
}
