// Turning a unit's overlaid image into terminal picture bytes for a rectangle of cells.

import Render

/// Encodes a picture for the terminal.
///
/// Contract: the bytes, written with the cursor on the rectangle's top-left cell, draw the
/// picture inside the `columns` x `rows` rectangle and nowhere else, using only cursor-relative
/// movement, so the screen can put them anywhere.
public protocol PictureEncoder: Sendable {
    /// The bytes for `image` scaled to fit `columns` x `rows` cells of `cellWidth` x `cellHeight`
    /// pixels, in `format`.
    func encode(_ image: RGBImage, columns: Int, rows: Int, cellWidth: Int, cellHeight: Int,
                format: PictureFormat) throws -> [UInt8]
}
