// The labelled image set an ablation is measured on: a folder of JPEG/PNG images and a labels
// file naming each image's true class.
//
// Labels file (CSV, UTF-8): one row per image, `image,class`; an optional header row whose second
// field is `class`. `image` is a path relative to the images folder (no absolute paths, no `..`).
// `class` is the model's output index (0-based) or a class name: ImageNet's names for a model with
// 1000 outputs, or those of a names file (one per line, in output order). Names match ignoring
// case; a name shared by two classes must be given by index.
//
//     image,class
//     cats/chelsea.png,285
//     dogs/rex.jpg,golden retriever
import Dissection
import Foundation
import Render
import Runtime

/// A labels file or an image that cannot be used: one line `<file>: <cause>; <hint>`.
public struct AblationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// How images are brought to the model's input size.
public enum ClassifierPreprocessing: String, Sendable, CaseIterable {
    /// torchvision's evaluation transform: resize the short side to 8/7 of the input size, then
    /// take the centre square (256 then 224 for a 224 model).
    case centerCrop = "center-crop"
    /// Use the pixels as they are; every image must already have the input size.
    case exact
}

public struct LabelledImage: Sendable, Equatable {
    /// Path relative to the images folder, as written in the labels file.
    public var path: String
    /// True class: index into the model's outputs.
    public var label: Int
    /// Line of the labels file.
    public var line: Int
}

/// A labelled image set: the rows of a labels file, and the class names.
public struct LabelledImages: Sendable {
    /// The images folder.
    public let directory: String
    public let labelsFile: String
    /// The rows, in file order.
    public let images: [LabelledImage]
    /// Class names by output index (ImageNet's, a names file's, or `class <k>`).
    public let classNames: [String]

    /// Most rows a labels file may hold (images are held decoded at the model's input size).
    public static let maxImages = 20_000

    /// Reads `labelsFile` for a model of `classes` outputs; `names` overrides the class names.
    /// - Throws: `AblationError` naming the file and line at fault.
    public static func read(labelsFile: String, directory: String, classes: Int, names: [String]? = nil) throws(AblationError) -> LabelledImages {
        // Through RegularFile: a FIFO or a device is refused at once instead of blocking the read.
        let data: Data
        do { data = Data(try RegularFile.contents(of: labelsFile, maxBytes: 64 << 20)) } catch {
            throw AblationError("\(labelsFile): cannot read the labels file (\(error.reason)); check the path")
        }
        let classNames = names ?? (classes == 1000 ? ImageNet.classNames : (0..<classes).map { "class \($0)" })
        guard classNames.count == classes else {
            throw AblationError("\(labelsFile): \(classNames.count) class names for a model of \(classes) outputs; give one name per output")
        }
        let named = names != nil || classes == 1000
        var byName: [String: [Int]] = [:]
        if named { for (k, n) in classNames.enumerated() { byName[n.lowercased(), default: []].append(k) } }
        let (rows, issues) = CSV.parse([UInt8](data))
        if let issue = issues.first { throw AblationError("\(labelsFile):\(issue.line): \(issue.cause); write one `image,class` row per line") }
        var images: [LabelledImage] = []
        for (k, row) in rows.enumerated() {
            let fields = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if k == 0 && fields.count == 2 && fields[1].lowercased() == "class" { continue }
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw AblationError("\(labelsFile):\(row.line): expected 2 non-empty fields `image,class`, found \(row.fields.count); write one `image,class` row per image")
            }
            let path = fields[0]
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !parts.contains(".."), !path.contains("\0") else {
                throw AblationError("\(labelsFile):\(row.line): image path '\(path)' leaves the images folder; give a path relative to it")
            }
            let label: Int
            if let index = Int(fields[1]) {
                guard (0..<classes).contains(index) else {
                    throw AblationError("\(labelsFile):\(row.line): class \(index) is out of range; the model has classes 0...\(classes - 1)")
                }
                label = index
            } else {
                guard named else {
                    throw AblationError("\(labelsFile):\(row.line): class '\(fields[1])' is a name, but the model's \(classes) outputs have none; give the index or --class-names")
                }
                guard let matches = byName[fields[1].lowercased()] else {
                    throw AblationError("\(labelsFile):\(row.line): no class named '\(fields[1])'; give the index or a name as in the class list")
                }
                guard matches.count == 1 else {
                    throw AblationError("\(labelsFile):\(row.line): class name '\(fields[1])' is shared by classes \(matches.map(String.init).joined(separator: ", ")); give the index")
                }
                label = matches[0]
            }
            images.append(LabelledImage(path: path, label: label, line: row.line))
            guard images.count <= maxImages else {
                throw AblationError("\(labelsFile): more than \(maxImages) images; ablations re-run the model many times, use a smaller set")
            }
        }
        guard !images.isEmpty else { throw AblationError("\(labelsFile): no labelled images; write one `image,class` row per image") }
        return LabelledImages(directory: directory, labelsFile: labelsFile, images: images, classNames: classNames)
    }

    /// Reads a class names file: one name per line, in output order (blank lines ignored at the end).
    public static func readNames(_ path: String) throws(AblationError) -> [String] {
        let bytes: [UInt8]
        do { bytes = try RegularFile.contents(of: path, maxBytes: 16 << 20) } catch {
            throw AblationError("\(path): cannot read the class names (\(error.reason)); write one name per line")
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw AblationError("\(path): cannot read the class names as UTF-8 text; write one name per line")
        }
        var names = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        while names.last?.isEmpty == true { names.removeLast() }
        return names
    }

    /// The classes that have at least one image, ascending.
    public var classesPresent: [Int] { Array(Set(images.map(\.label))).sorted() }

    /// Decodes every image and brings it to `size x size` as `preprocessing` says, as RGB8.
    /// - Throws: `AblationError` naming the image and its line.
    public func decode(size: Int, preprocessing: ClassifierPreprocessing = .centerCrop) throws(AblationError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(images.count)
        for image in images {
            let path = (directory as NSString).appendingPathComponent(image.path)
            let decoded: RGBImage
            do { decoded = try ImageFile.decode(path) } catch {
                throw AblationError("\(path) (\(labelsFile) line \(image.line)): \(error); fix the image or remove its line")
            }
            switch preprocessing {
            case .centerCrop:
                guard decoded.width >= 1 && decoded.height >= 1 else {
                    throw AblationError("\(path) (\(labelsFile) line \(image.line)): the image is empty; fix the image or remove its line")
                }
                let resize = (size * 8 + 6) / 7  // 224 -> 256, torchvision's evaluation transform
                out.append(decoded.classifierInput(resize: resize, crop: size).pixels)
            case .exact:
                guard decoded.width == size && decoded.height == size else {
                    throw AblationError("\(path) (\(labelsFile) line \(image.line)): the image is \(decoded.width)x\(decoded.height), the model takes \(size)x\(size); resize it or use --preprocess center-crop")
                }
                out.append(decoded.pixels)
            }
        }
        return out
    }

}
