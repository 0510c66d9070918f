// The picture encoder the explorer uses: Render's terminal pictures (sixel through libsixel, or
// half-blocks in 24-bit or 256 colours), fitted into the placement's cells with the aspect kept,
// centred, and laid out with cursor-relative moves so the screen can put them anywhere.

import Foundation
import Render

/// Encodes pictures in the format the screen asks for, with Render's `TerminalPictureMaker`.
public final class TerminalPictureEncoder: PictureEncoder, @unchecked Sendable {
    /// Formats this encoder can write.
    public static let formats: Set<PictureFormat> = [.sixel, .halfBlock]
    private let depth: Render.ColorDepth
    private let colorRegisters: Int?
    private let sixelLimit: PixelSize?
    private let lock = NSLock()
    private var makers: [String: TerminalPictureMaker] = [:]

    /// An encoder for a terminal with `capabilities` (colour depth, sixel colour registers, the
    /// largest sixel picture it shows).
    public init(capabilities: TerminalCapabilities) {
        depth = capabilities.blockDepth
        colorRegisters = capabilities.colorRegisters
        sixelLimit = capabilities.sixelMaxSize
    }

    /// The maker for one mode and cell size (each keeps its sixel encoder and cache).
    private func maker(_ mode: GraphicsMode, cell: CellSize) -> TerminalPictureMaker {
        let key = "\(mode)|\(cell.width)x\(cell.height)"
        return lock.withLock {
            if let m = makers[key] { return m }
            let m = TerminalPictureMaker(mode: mode, cellSize: cell, colorRegisters: colorRegisters, sixelLimit: sixelLimit)
            makers[key] = m
            return m
        }
    }

    /// The bytes for `image` fitted into `columns` x `rows` cells, centred, in `format`.
    public func encode(_ image: RGBImage, columns: Int, rows: Int, cellWidth: Int, cellHeight: Int,
                       format: PictureFormat) throws -> [UInt8] {
        guard columns > 0, rows > 0, image.width > 0, image.height > 0 else { return [] }
        let mode: GraphicsMode
        switch format {
        case .sixel: mode = .sixel(tmuxPassthrough: false)
        case .halfBlock: mode = .blocks(depth)
        case .none: return []
        }
        let picture = try maker(mode, cell: CellSize(width: cellWidth, height: cellHeight))
            .picture(of: image, maxColumns: columns, maxRows: rows)
        return Self.placed(picture, format: format, columns: columns, rows: rows)
    }

    /// `picture` centred in `columns` x `rows` cells, from a cursor on the top-left cell.
    static func placed(_ picture: TerminalPicture, format: PictureFormat, columns: Int, rows: Int) -> [UInt8] {
        var out: [UInt8] = []
        let top = max(0, (rows - picture.rows) / 2), left = max(0, (columns - picture.columns) / 2)
        if top > 0 { out += Array("\u{1B}[\(top)B".utf8) }
        if left > 0 { out += Array("\u{1B}[\(left)C".utf8) }
        switch format {
        case .sixel:
            out += picture.bytes
        case .halfBlock:
            // Rows come joined by newlines; a newline would scroll or leave the column.
            let next = Array("\u{1B}[\(picture.columns)D\u{1B}[1B".utf8)
            for (i, line) in picture.bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                if i > 0 { out += next }
                out += line
            }
        case .none:
            break
        }
        return out
    }
}
