// The adapter between the Broden reader (Dissection/Probe) and the engine: a `SampleSource` over
// a `ProbeDataset`, restricted to the selected categories and the first `limit` images.
//
// Images are decoded only when a model needs them; segmentations always. Decoding runs across
// cores a chunk at a time, in index order, on a loader thread that stays a bounded number of
// images ahead of the pass, so memory stays at a few batches of samples.
import Render

/// A probe dataset as the engine reads it.
public struct ProbeSampleSource: SampleSource {
    public let dataset: ProbeDataset
    /// The scored categories and labels (category ids are positions among the selected ones).
    public let catalog: ConceptCatalog
    /// Images used: the first `limit` records, or all.
    public let count: Int
    /// Probe category index of each run category.
    let probeCategory: [Int]
    let workers: Int

    /// Selects `categories` by name (nil = all, in category.csv order) and the first `limit` images.
    /// - Throws: `RunError.badSetting` for an unknown category name.
    public init(dataset: ProbeDataset, categories: [String]?, limit: Int?, workers: Int) throws {
        self.dataset = dataset
        var selected: [Int] = []
        if let categories {
            for name in categories {
                guard let index = dataset.category(named: name) else {
                    let known = dataset.categories.map(\.name).joined(separator: ", ")
                    throw RunError.badSetting("--categories: the dataset has no category '\(name)' (it has \(known))")
                }
                if !selected.contains(index) { selected.append(index) }
            }
            selected.sort()
        } else {
            selected = dataset.categories.map(\.index)
        }
        probeCategory = selected
        var runIndex: [Int: Int] = [:]
        for (k, c) in selected.enumerated() { runIndex[c] = k }
        let categories = selected.map { c -> ConceptCategory in
            let pc = dataset.categories[c]
            return ConceptCategory(name: pc.name, kind: pc.kind == .pixel ? .pixel : .image)
        }
        let labels = dataset.labels.compactMap { l -> ConceptLabel? in
            guard let primary = dataset.primaryCategory(of: l.id), let k = runIndex[primary] else { return nil }
            return ConceptLabel(id: l.id, name: l.name, category: k)
        }
        catalog = ConceptCatalog(categories: categories, labels: labels)
        count = min(dataset.records.count, limit ?? Int.max)
        self.workers = max(1, workers)
    }

    /// The image path of row `index`, relative to `images/`.
    public func path(of index: Int) -> String { dataset.records[index].image }

    /// Images `range` in order, decoded a chunk at a time across cores by a loader thread that
    /// keeps up to `lookahead` images ready ahead of the caller (`ChunkPrefetcher`).
    public func samples(_ range: Range<Int>, decodeImages: Bool) -> AnyIterator<SampleItem> {
        samples(range, decodeImages: decodeImages, segmentations: .decode)
    }

    /// Images `range` in order, as above; with `.masks` the loader thread also builds each image's
    /// label masks (across cores), so a pass that wants masks gets them ready.
    public func samples(_ range: Range<Int>, decodeImages: Bool, segmentations: SegmentationUse) -> AnyIterator<SampleItem> {
        let chunk = max(8, 4 * workers)
        let source = self
        let builders = segmentations == .masks ? (0..<workers).map { _ in LabelMaskBuilder(catalog: catalog) } : []
        let shared = Builders(builders)
        return ChunkPrefetcher(range, chunk: chunk, ahead: max(2, Self.lookahead / chunk)) { indices in
            let items = parallelMap(indices.count, workers: source.workers) { k in
                source.load(indices.lowerBound + k, decodeImage: decodeImages, segmentations: segmentations != .skip)
            }
            guard segmentations == .masks else { return items }
            // Worker w builds the masks of its contiguous share with its own builder.
            let parts = max(1, min(source.workers, items.count))
            return parallelMap(parts, workers: parts) { w in
                (w * items.count / parts..<(w + 1) * items.count / parts).map { items[$0].withMasks(shared.builders[w]) }
            }.flatMap { $0 }
        }.items()
    }

    /// Images decoded ahead of the pass: two batches at the default batch size, so the next batch
    /// is ready when the pass finishes one (a few tens of MB of pixels and label maps).
    public static let lookahead = 64

    /// Reads one record: its annotation in the selected categories (only its size without
    /// `segmentations`), and its image if asked.
    func load(_ index: Int, decodeImage: Bool, segmentations: Bool = true) -> SampleItem {
        let record = dataset.records[index]
        if let defect = record.defect {
            return .skip(index: index, path: record.image, reason: "index.csv line \(record.line): \(defect)")
        }
        guard record.segmentationHeight > 0, record.segmentationWidth > 0 else {
            return .skip(index: index, path: record.image, reason: "index.csv line \(record.line): empty segmentation size")
        }
        do {
            let image = decodeImage ? try dataset.decodeImage(record) : nil
            guard segmentations else {
                return .sample(index: index, annotation: ImageAnnotation(height: record.segmentationHeight,
                                                                         width: record.segmentationWidth), image: image)
            }
            var layers: [PixelLayer] = []
            var imageLabels: [ImageLevelLabels] = []
            for (k, c) in probeCategory.enumerated() {
                switch record.cells[c] {
                case let .layers(paths):
                    for path in paths {
                        layers.append(PixelLayer(category: k, labels: try dataset.decodeSegmentation(path, record).labels))
                    }
                case let .labels(ids):
                    let kept = ids.filter { $0 != 0 }
                    if !kept.isEmpty { imageLabels.append(ImageLevelLabels(category: k, ids: kept)) }
                }
            }
            let annotation = ImageAnnotation(height: record.segmentationHeight, width: record.segmentationWidth,
                                             pixelLayers: layers, imageLabels: imageLabels)
            return .sample(index: index, annotation: annotation, image: image)
        } catch {
            return .skip(index: index, path: error.file, reason: error.reason)
        }
    }
}

/// The loader's mask builders, one per worker (each touched by its worker only).
private struct Builders: @unchecked Sendable {
    let builders: [LabelMaskBuilder]
    init(_ builders: [LabelMaskBuilder]) { self.builders = builders }
}
