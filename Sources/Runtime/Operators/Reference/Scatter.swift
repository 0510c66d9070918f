// ScatterND (reduction "none"): a copy of data with the slices named by indices replaced.
//
//     data (D1..Dr), indices (I1..Iq-1, k) constant, updates (I1..Iq-1, Dk+1..Dr) -> y (D1..Dr)
//
// torch writes slice assignment (`mask[a:b, c:d] = v`) this way; Swin builds its shifted-window
// attention mask with it. The indices are known at load, so each update row resolves to one
// destination offset and the reference is a copy and a run of block copies.

/// Where each row of updates lands in the output.
struct ScatterNDShape: Sendable, Equatable {
    var shape: [Int]
    /// One destination offset per update row, in update order (later rows win).
    var offsets: [Int]
    /// Floats per update row: the product of data's axes after the k indexed ones.
    var rowLength: Int

    static func resolve(data: [Int], indices: TypedTensor, updates: [Int]) throws -> ScatterNDShape {
        guard indices.elementType == .int, let k = indices.shape.last, indices.rank >= 1 else {
            throw OpFailure.malformed("indices must be integers of rank at least 1")
        }
        guard k >= 1 && k <= data.count else { throw OpFailure.malformed("indices address \(k) axes of a rank-\(data.count) tensor") }
        let expected = Array(indices.shape.dropLast()) + Array(data[k...])
        guard updates == expected else {
            throw OpFailure.shape("updates \(ShapeMath.describe(updates)) are not \(ShapeMath.describe(expected))")
        }
        let strides = ShapeMath.strides(data)
        let rows = indices.count / k, values = indices.ints
        var offsets: [Int] = []
        offsets.reserveCapacity(rows)
        for row in 0..<rows {
            var offset = 0
            for d in 0..<k {
                let raw = Int(clamping: values[row * k + d])
                let i = raw < 0 ? raw + data[d] : raw
                guard i >= 0 && i < data[d] else { throw OpFailure.shape("index \(raw) is out of range for axis \(d) of size \(data[d])") }
                offset += i * strides[d]
            }
            offsets.append(offset)
        }
        return ScatterNDShape(shape: data, offsets: offsets, rowLength: data[k...].reduce(1, *))
    }
}

extension Reference {
    /// `y = data`, then each update row copied to its offset.
    ///
    ///     data (D1..Dr), updates (rows, rowLength) -> y (D1..Dr)
    static func scatterND<T>(_ s: ScatterNDShape, data: UnsafePointer<T>, updates: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let count = s.shape.reduce(1, *)
        if UnsafePointer(y) != data { y.update(from: data, count: count) }
        for (row, offset) in s.offsets.enumerated() {
            (y + offset).update(from: updates + row * s.rowLength, count: s.rowLength)
        }
    }
}
