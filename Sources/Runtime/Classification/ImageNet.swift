// The 1,000 ImageNet-1k class names in class-index order, as torchvision names them
// (`_IMAGENET_CATEGORIES` in torchvision/models/_meta.py of the torchvision 0.29.2 wheel, fetched
// with `pip download torchvision==0.29.2 --no-deps`; BSD-3-Clause). They are data, one name per
// line in imagenet-classes.txt, a resource of this module: SwiftPM copies it into the
// `netdissect_Runtime.resources` directory beside the binaries it builds, where `Bundle.module`
// finds it. A binary copied elsewhere needs that directory beside it. Regenerate the file by
// reading torchvision's list with Python's ast.literal_eval and writing one name per line.
import Foundation

/// ImageNet-1k, the label space of torchvision's pretrained classifiers.
public enum ImageNet {
    /// Class names by class index (0 = "tench", 281 = "tabby", 999 = "toilet tissue"); empty,
    /// with one line on stderr saying why, when the resource cannot be read.
    public static let classNames: [String] = {
        do {
            return try loadClassNames()
        } catch {
            FileHandle.standardError.write(Data("netdissect: \(error); classes are shown by number\n".utf8))
            return []
        }
    }()

    /// Reads the class names from the module's resource bundle.
    ///
    /// - Throws: `ResourceError` naming the missing or damaged file.
    public static func loadClassNames() throws(ResourceError) -> [String] {
        let url = try RuntimeResources.url(of: "imagenet-classes.txt")
        guard let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data, encoding: .utf8) else {
            throw ResourceError(path: url.path, reason: "cannot be read")
        }
        let names = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lines = names.last == "" ? Array(names.dropLast()) : names
        guard lines.count == 1000, !lines.contains(where: \.isEmpty) else {
            throw ResourceError(path: url.path, reason: "holds \(lines.count) lines, not 1000 class names")
        }
        return lines
    }
}

/// The files SwiftPM bundles with this module.
enum RuntimeResources {
    /// The bundle's directory name, as SwiftPM names it (package, then target).
    static let bundleName = "netdissect_Runtime.resources"

    /// The URL of resource `name`. Checks that the bundle exists beside the running binary
    /// (`binaryDirectory`) first: `Bundle.module` stops the process when it does not.
    static func url(of name: String,
                    binaryDirectory: URL = Bundle.main.bundleURL) throws(ResourceError) -> URL {
        let directory = binaryDirectory.appendingPathComponent(bundleName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ResourceError(path: directory.path, reason: "is missing (copy it beside the binary)")
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let url = Bundle.module.url(forResource: parts[0], withExtension: parts.count > 1 ? parts[1] : nil) else {
            throw ResourceError(path: directory.appendingPathComponent(name).path, reason: "is missing")
        }
        return url
    }
}

/// A resource file of the runtime that cannot be used.
public struct ResourceError: Error, CustomStringConvertible {
    /// The file or directory.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "\(path) \(reason)" }
}
