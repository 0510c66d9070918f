// Parsing what a terminal answers to our queries. The replies arrive mixed in one byte stream
// (and possibly after stray key presses), so each is found by its shape:
//   DA1           ESC [ ? Ps ; ... c        attribute 4 means sixel graphics
//   cell size     ESC [ 6 ; height ; width t  (reply to CSI 16 t)
//   XTSMGRAPHICS  ESC [ ? 1 ; 0 ; N S       (N sixel colour registers)
//   XTSMGRAPHICS  ESC [ ? 2 ; 0 ; W ; H S   (largest sixel picture, W x H pixels)

/// The answers found in a terminal's reply bytes.
public struct TerminalReplies: Sendable, Equatable {
    /// DA1 attributes, when the primary device attributes reply was seen.
    public var deviceAttributes: [Int]?
    /// Cell size from the `CSI 16 t` reply.
    public var cellSize: CellSize?
    /// Colour registers from the XTSMGRAPHICS reply.
    public var colorRegisters: Int?
    /// The largest sixel picture the terminal shows, from the XTSMGRAPHICS geometry reply
    /// (xterm's default is 1000 x 1000; a larger picture is dropped without a word).
    public var sixelMaxSize: PixelSize?

    /// Nothing found.
    public init(deviceAttributes: [Int]? = nil, cellSize: CellSize? = nil, colorRegisters: Int? = nil,
                sixelMaxSize: PixelSize? = nil) {
        self.deviceAttributes = deviceAttributes; self.cellSize = cellSize; self.colorRegisters = colorRegisters
        self.sixelMaxSize = sixelMaxSize
    }

    /// True once the DA1 reply (always answered, and asked last) has arrived.
    public var complete: Bool { deviceAttributes != nil }

    /// The terminal declares sixel graphics.
    public var sixel: Bool { deviceAttributes?.dropFirst().contains(4) ?? false }

    /// Every recognised reply in `bytes`; unrecognised bytes are ignored.
    public static func parse(_ bytes: [UInt8]) -> TerminalReplies {
        var found = TerminalReplies()
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x1B, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "[") else { i += 1; continue }
            var j = i + 2
            let privateMarker = j < bytes.count && bytes[j] == UInt8(ascii: "?")
            if privateMarker { j += 1 }
            var params: [Int] = []
            var current: Int? = nil
            while j < bytes.count {
                let b = bytes[j]
                if b >= 0x30 && b <= 0x39 {
                    current = min((current ?? 0) * 10 + Int(b - 0x30), 1 << 30)
                } else if b == UInt8(ascii: ";") {
                    params.append(current ?? 0); current = nil
                } else {
                    break
                }
                j += 1
            }
            guard j < bytes.count else { break }          // incomplete: wait for more bytes
            if let c = current { params.append(c) }
            let final = bytes[j]
            if privateMarker && final == UInt8(ascii: "c") && !params.isEmpty {
                found.deviceAttributes = params
            } else if !privateMarker && final == UInt8(ascii: "t") && params.count == 3 && params[0] == 6
                        && params[1] > 0 && params[2] > 0 {
                found.cellSize = CellSize(width: params[2], height: params[1])
            } else if privateMarker && final == UInt8(ascii: "S") && params.count >= 3
                        && params[0] == 1 && params[1] == 0 && params[2] > 0 {
                found.colorRegisters = params[2]
            } else if privateMarker && final == UInt8(ascii: "S") && params.count >= 4
                        && params[0] == 2 && params[1] == 0 && params[2] > 0 && params[3] > 0 {
                found.sixelMaxSize = PixelSize(width: params[2], height: params[3])
            }
            i = j + 1
        }
        return found
    }
}
