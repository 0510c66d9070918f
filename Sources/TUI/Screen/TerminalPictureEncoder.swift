// The picture encoder the explorer uses: half-blocks in 24-bit colour when the terminal says it
// has it (`COLORTERM=truecolor`), in the 256-colour cube otherwise.

import Foundation
import Render

/// Encodes pictures in the format the screen asks for.
public struct TerminalPictureEncoder: PictureEncoder {
    /// Formats this encoder can write.
    public static let formats: Set<PictureFormat> = [.halfBlock]
    let halfBlocks: HalfBlockEncoder

    /// An encoder for this process's terminal.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let colorterm = (environment["COLORTERM"] ?? "").lowercased()
        halfBlocks = HalfBlockEncoder(truecolor: colorterm == "truecolor" || colorterm == "24bit")
    }

    /// The bytes for `image` in `format`.
    public func encode(_ image: RGBImage, columns: Int, rows: Int, cellWidth: Int, cellHeight: Int,
                       format: PictureFormat) throws -> [UInt8] {
        switch format {
        case .halfBlock:
            return try halfBlocks.encode(image, columns: columns, rows: rows, cellWidth: cellWidth,
                                         cellHeight: cellHeight, format: format)
        case .sixel, .none:
            return []
        }
    }
}
