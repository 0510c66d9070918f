// Pixel masks as packed bitsets: bit p of word p / 64 is pixel p = y * width + x.
//
// Intersections are AND + popcount over 64-bit words; a 112 x 112 mask is 196 words, so one
// unit-label intersection costs about 200 instructions instead of 12,544 compares.

/// Helpers over packed pixel bitsets held in `UInt64` words.
public enum Bitset {
    /// Words needed for `pixels` bits.
    @inlinable public static func wordCount(pixels: Int) -> Int { (pixels + 63) >> 6 }

    /// Number of set bits in `a[0..<n]`.
    @inlinable public static func popcount(_ a: UnsafePointer<UInt64>, _ n: Int) -> Int {
        var total = 0
        for i in 0..<n { total &+= a[i].nonzeroBitCount }
        return total
    }

    /// `|a ∩ b|` over `n` words.
    @inlinable public static func intersectionCount(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ n: Int) -> Int {
        var total = 0
        for i in 0..<n { total &+= (a[i] & b[i]).nonzeroBitCount }
        return total
    }

    /// Whether `a` and `b` share a set bit.
    @inlinable public static func intersects(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ n: Int) -> Bool {
        var any: UInt64 = 0
        for i in 0..<n { any |= a[i] & b[i] }
        return any != 0
    }

    /// Sets bit `p`.
    @inlinable public static func set(_ a: UnsafeMutablePointer<UInt64>, _ p: Int) {
        a[p >> 6] |= 1 &<< UInt64(p & 63)
    }

    /// Whether bit `p` is set.
    @inlinable public static func test(_ a: UnsafePointer<UInt64>, _ p: Int) -> Bool {
        a[p >> 6] & (1 &<< UInt64(p & 63)) != 0
    }
}
