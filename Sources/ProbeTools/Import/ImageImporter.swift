// Importing one image: read and decode the image and its mask, check that they agree, turn mask
// values into label maps (one per category), resize when asked, and write the JPEG and the
// Broden segmentation PNGs. What comes back is small: the index.csv row and the label counts.
//
// Per-image problems do not stop the import: an image without a readable mask, a mask of another
// size, or an unreadable image is left out with one line saying why; mask values that are no
// class of the dataset are reported and left unlabelled, and the image is kept. Only a failure to
// write the output (a full disk) throws.
import Dissection
import Foundation
import Render

/// What one imported image adds to the probe.
struct ImportedRow: Sendable, Equatable {
    /// Its index.csv row, without line end.
    var row: String
    /// Per category: label id -> pixels (an image-level label counts `area`).
    var pixels: [[UInt32: Int]]
    /// Segmentation area `sh * sw`.
    var area: Int
}

/// The outcome of importing one image.
struct ImportOutcome: Sendable {
    /// The row, or nil when the image was left out.
    var row: ImportedRow?
    /// What was wrong with it.
    var problems: [ImportProblem]
}

/// Imports images of one plan into one output directory; shared by the workers.
struct ImageImporter: Sendable {
    let source: ImportSource
    let plan: ImportPlan
    let categories: ImportCategories
    let options: ImportOptions
    /// The output probe directory.
    let out: String
    /// For indexed masks, per value 0...65535: the label index, or `Self.void`, or `Self.unknown`.
    private let lookup: [Int32]

    static let void: Int32 = -1
    static let unknown: Int32 = -2

    init(source: ImportSource, plan: ImportPlan, categories: ImportCategories, options: ImportOptions, out: String) {
        self.source = source
        self.plan = plan
        self.categories = categories
        self.options = options
        self.out = out
        var lookup = [Int32](repeating: Self.unknown, count: 65_536)
        for value in plan.void where (0..<65_536).contains(value) { lookup[value] = Self.void }
        for (value, label) in plan.values where (0..<65_536).contains(value) { lookup[value] = Int32(label) }
        self.lookup = lookup
    }

    /// Images larger than this are refused: without --size they are written as they are, and the
    /// probe reader takes images of at most 4096 pixels a side.
    var limits: ImageLimits {
        options.size == nil ? ImageLimits(maxSide: 4096, maxPixels: 4096 * 4096) : ImageLimits(maxSide: 8192, maxPixels: 1 << 25)
    }

    /// Imports `item`.
    ///
    /// - Throws: `ImportError.output` when a file of the probe cannot be written.
    func run(_ item: ImportItem) throws(ImportError) -> ImportOutcome {
        var problems: [ImportProblem] = []
        func leftOut(_ file: String, _ cause: String) -> ImportOutcome {
            ImportOutcome(row: nil, problems: problems + [ImportProblem(file: source.path(file), cause: cause + "; image left out")])
        }
        // The image.
        let imageBytes: [UInt8], image: RGBImage
        do { imageBytes = try source.read(item.image, maxBytes: ImportSource.maxImageBytes) } catch {
            return leftOut(item.image, reason(error))
        }
        do { image = try ImageDecoder.decode(imageBytes, limits: limits) } catch {
            return leftOut(item.image, error.description)
        }
        // The mask, as one source value (indexed) or segment id (panoptic) per pixel.
        let maskBytes: [UInt8]
        do { maskBytes = try source.read(item.mask, maxBytes: ImportSource.maxImageBytes) } catch {
            return leftOut(item.mask, "no mask: " + reason(error))
        }
        let width: Int, height: Int
        var perCategory: [[UInt32]?] = Array(repeating: nil, count: categories.names.count)
        var unknown = Set<Int>()
        do {
            switch plan.encoding {
            case .indexed:
                let mask = try PNG.decodeIndexed(maskBytes, limits: limits).image
                width = mask.width; height = mask.height
                guard width == image.width && height == image.height else { break }
                for p in 0..<mask.values.count {
                    let value = Int(mask.values[p])
                    place(lookup[value], value, p, &perCategory, &unknown, width * height)
                }
            case .panoptic:
                let mask = try PNG.decodeRGB(maskBytes, limits: limits)
                width = mask.width; height = mask.height
                guard width == image.width && height == image.height else { break }
                let segments = item.segmentLabels
                mask.pixels.withUnsafeBufferPointer { rgb in
                    for p in 0..<(width * height) {
                        let id = Int(rgb[3 * p]) | Int(rgb[3 * p + 1]) << 8 | Int(rgb[3 * p + 2]) << 16
                        let label: Int32
                        if plan.void.contains(id) { label = Self.void } else if let l = segments[id], l >= 0 { label = Int32(l) } else { label = Self.unknown }
                        place(label, id, p, &perCategory, &unknown, width * height)
                    }
                }
            }
        } catch {
            return leftOut(item.mask, error.description)
        }
        guard width == image.width && height == image.height else {
            return leftOut(item.mask, "mask is \(height)x\(width) (h x w) but its image is \(image.height)x\(image.width)")
        }
        if !unknown.isEmpty {
            let sorted = unknown.sorted()
            var list = sorted.prefix(10).map(String.init).joined(separator: ", ")
            if sorted.count > 10 { list += " and \(sorted.count - 10) more" }
            let what = plan.encoding == .panoptic ? "segment id" : "value"
            problems.append(ImportProblem(file: source.path(item.mask),
                                          cause: "\(what)\(sorted.count == 1 ? "" : "s") \(list) \(sorted.count == 1 ? "is" : "are") no class of the dataset; those pixels are left unlabelled"))
        }
        return ImportOutcome(row: try write(item, image: image, imageBytes: imageBytes, maps: perCategory, width: width, height: height),
                             problems: problems)
    }

    /// Puts label index `label` (or void, or unknown) at pixel `p` of its category's map.
    @inline(__always)
    private func place(_ label: Int32, _ value: Int, _ p: Int, _ maps: inout [[UInt32]?], _ unknown: inout Set<Int>, _ count: Int) {
        if label >= 0 {
            let c = categories.categoryOf[Int(label)]
            if maps[c] == nil { maps[c] = [UInt32](repeating: 0, count: count) }
            maps[c]![p] = UInt32(label) + 1
        } else if label == Self.unknown {
            unknown.insert(value)
        }
    }

    /// Writes the image and its segmentations, and returns the row.
    private func write(_ item: ImportItem, image: RGBImage, imageBytes: [UInt8], maps: [[UInt32]?],
                       width: Int, height: Int) throws(ImportError) -> ImportedRow {
        let base = "\(options.format.folder)/\(item.name)"
        var picture = image
        var (sw, sh) = (width, height)
        if let size = options.size {
            picture = image.resizedBilinear(width: size, height: size)
            (sw, sh) = (max(1, size / 2), max(1, size / 2))
        }
        // A JPEG kept at its size is copied as it is: re-encoding would only lose detail.
        let isJPEG = ImageFormat(signatureOf: imageBytes) == .jpeg
        let jpeg: [UInt8]
        if options.size == nil && isJPEG {
            jpeg = imageBytes
        } else {
            do { jpeg = try JPEG.encode(picture, quality: options.jpegQuality) } catch {
                throw .output(path: ProbePaths.join(out, "images/\(base).jpg"), reason: "cannot encode (\(error))")
            }
        }
        try save(jpeg, "images/\(base).jpg")

        var cells: [String] = []
        var pixels: [[UInt32: Int]] = Array(repeating: [:], count: categories.names.count)
        let area = sw * sh
        for c in categories.names.indices {
            if categories.imageLevel[c] {
                let ids = item.imageLabels.filter { categories.categoryOf[$0] == c }.map { $0 + 1 }
                for id in ids { pixels[c][UInt32(id)] = area }
                cells.append(ids.map(String.init).joined(separator: ";"))
                continue
            }
            guard let labels = maps[c] else { cells.append(""); continue }
            var map = LabelMap(width: width, height: height, labels: labels)
            if options.size != nil { map = map.resizedNearest(width: sw, height: sh) }
            for label in map.labels where label != 0 { pixels[c][label, default: 0] += 1 }
            guard !pixels[c].isEmpty else { cells.append(""); continue }
            let name = "\(base)_\(categories.names[c]).png"
            let png: [UInt8]
            do { png = try PNG.encode(map.rgEncoded(), compressionLevel: 3) } catch {
                throw .output(path: ProbePaths.join(out, "images/" + name), reason: "cannot encode (\(error))")
            }
            try save(png, "images/" + name)
            cells.append(name)
        }
        let size = options.size.map { (ih: $0, iw: $0) } ?? (ih: image.height, iw: image.width)
        let row = "\(base).jpg,\(item.split),\(size.ih),\(size.iw),\(sh),\(sw)," + cells.joined(separator: ",")
        return ImportedRow(row: row, pixels: pixels, area: area)
    }

    private func save(_ bytes: [UInt8], _ relative: String) throws(ImportError) {
        let path = ProbePaths.join(out, relative)
        do { try ProbePaths.write(bytes, to: path) } catch {
            throw .output(path: path, reason: "cannot write (\(error.reason)); check free space and permissions")
        }
    }

    private func reason(_ error: ImportError) -> String {
        if case let .file(_, reason) = error { return reason }
        return error.description
    }
}
