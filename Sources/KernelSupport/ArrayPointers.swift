// Pointers into arrays that are never nil: an empty array still yields a valid (unused)
// address, so kernels called on zero-sized tensors need no special case at every call site.

extension Array {
    /// Calls `body` with a pointer to the first element (a dummy address when empty).
    @inline(__always)
    package func withBase<R>(_ body: (UnsafePointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return try body(base) }
            return try withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { dummy in
                try body(UnsafePointer(dummy.baseAddress!))
            }
        }
    }

    /// Calls `body` with a mutable pointer to the first element (a dummy address when empty).
    @inline(__always)
    package mutating func withMutableBase<R>(_ body: (UnsafeMutablePointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { return try body(base) }
            return try withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { dummy in
                try body(dummy.baseAddress!)
            }
        }
    }
}
