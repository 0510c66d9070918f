// The three published Broden archives and where they live.
//
// Broden is published as broden1_224.zip, broden1_227.zip and broden1_384.zip (images of 224, 227
// or 384 pixels square; segmentations at half size). Each archive unpacks to one folder of the
// same name holding index.csv, category.csv, label.csv, c_<category>.csv and images/.
import Dissection

/// One of the published Broden archives.
public enum BrodenVariant: Int, CaseIterable, Sendable {
    case size224 = 224
    case size227 = 227
    case size384 = 384

    /// The archive's file name, `broden1_224.zip`.
    public var archiveName: String { "\(folderName).zip" }

    /// The folder the archive unpacks to, `broden1_224`.
    public var folderName: String { "broden1_\(rawValue)" }

    /// The official download address. The host has been unreliable for years.
    public var officialURL: String { "http://netdissect.csail.mit.edu/data/\(archiveName)" }
}
