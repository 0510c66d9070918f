// The values that exist at load time: initializers, Constant nodes and everything folded from
// them. Shape arithmetic needs integers and booleans beside floats, so a `TypedTensor` carries
// one of three element types. ONNX's many integer types all become Int64 and its float types
// (float16, double, bfloat16) become Float: what the shape arithmetic of CNN exports needs, and
// what the per-image graph (float32 only) can use.

/// Element type of a `TypedTensor`.
enum ElementType: Sendable, Equatable, CustomStringConvertible {
    case float, int, bool

    var description: String {
        switch self {
        case .float: "float"
        case .int: "int64"
        case .bool: "bool"
        }
    }
}

/// A dense row-major tensor of floats, integers or booleans, known at load time.
struct TypedTensor: Sendable, Equatable {
    /// The values, in row-major order.
    enum Storage: Sendable, Equatable {
        case float([Float])
        case int([Int64])
        case bool([Bool])
    }

    /// Dimensions, outermost first.
    var shape: [Int]
    /// `shape.reduce(1, *)` values.
    var storage: Storage

    init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
        precondition(ShapeMath.count(shape) == count, "TypedTensor: \(shape) holds \(count) values")
    }

    init(shape: [Int], floats: [Float]) { self.init(shape: shape, storage: .float(floats)) }
    init(shape: [Int], ints: [Int64]) { self.init(shape: shape, storage: .int(ints)) }
    init(shape: [Int], bools: [Bool]) { self.init(shape: shape, storage: .bool(bools)) }

    /// A rank-0 float.
    static func scalar(_ value: Float) -> TypedTensor { TypedTensor(shape: [], floats: [value]) }
    /// A rank-1 int64 vector.
    static func vector(_ values: [Int]) -> TypedTensor {
        TypedTensor(shape: [values.count], ints: values.map(Int64.init))
    }

    var elementType: ElementType {
        switch storage {
        case .float: .float
        case .int: .int
        case .bool: .bool
        }
    }

    var count: Int {
        switch storage {
        case let .float(v): v.count
        case let .int(v): v.count
        case let .bool(v): v.count
        }
    }

    var rank: Int { shape.count }

    /// The values as floats (integers converted, booleans as 0 and 1).
    var floats: [Float] {
        switch storage {
        case let .float(v): v
        case let .int(v): v.map { Float($0) }
        case let .bool(v): v.map { $0 ? 1 : 0 }
        }
    }

    /// The values as integers (floats truncated toward zero, NaN and infinities clamped).
    var ints: [Int64] {
        switch storage {
        case let .float(v): v.map(Self.truncate)
        case let .int(v): v
        case let .bool(v): v.map { $0 ? 1 : 0 }
        }
    }

    /// The values as booleans (non-zero is true).
    var bools: [Bool] {
        switch storage {
        case let .float(v): v.map { $0 != 0 }
        case let .int(v): v.map { $0 != 0 }
        case let .bool(v): v
        }
    }

    /// The same values converted to `type`, as ONNX's Cast does.
    func converted(to type: ElementType) -> TypedTensor {
        switch type {
        case .float: TypedTensor(shape: shape, floats: floats)
        case .int: TypedTensor(shape: shape, ints: ints)
        case .bool: TypedTensor(shape: shape, bools: bools)
        }
    }

    /// The same values under another shape with the same element count.
    func reshaped(_ newShape: [Int]) -> TypedTensor { TypedTensor(shape: newShape, storage: storage) }

    /// As a public float tensor.
    var tensor: Tensor { Tensor(shape: shape, data: floats) }

    private static func truncate(_ x: Float) -> Int64 {
        if x.isNaN { return 0 }
        if x >= 9.2e18 { return Int64.max }
        if x <= -9.2e18 { return Int64.min }
        return Int64(x.rounded(.towardZero))
    }

    /// A short description for error messages: "int64 (4,) [0, 0, 1, 1]".
    var summary: String {
        let shown: [String]
        switch storage {
        case let .float(v): shown = v.prefix(8).map { "\($0)" }
        case let .int(v): shown = v.prefix(8).map { "\($0)" }
        case let .bool(v): shown = v.prefix(8).map { "\($0)" }
        }
        return "\(elementType) \(ShapeMath.describe(shape)) [\(shown.joined(separator: ", "))\(count > 8 ? ", ..." : "")]"
    }
}

/// A rearrangement of values that never reads them (gather, slice, transpose, expand), written
/// once as a generic function and applied to any element type by `TypedTensor.rearranged`.
protocol ElementRearrangement {
    /// Shape of the result.
    var outputShape: [Int] { get }
    /// The rearranged values.
    func apply<T>(_ values: [T]) -> [T]
}

extension TypedTensor {
    /// The result of `rearrangement`, keeping the element type.
    func rearranged(_ rearrangement: some ElementRearrangement) -> TypedTensor {
        let shape = rearrangement.outputShape
        switch storage {
        case let .float(v): return TypedTensor(shape: shape, storage: .float(rearrangement.apply(v)))
        case let .int(v): return TypedTensor(shape: shape, storage: .int(rearrangement.apply(v)))
        case let .bool(v): return TypedTensor(shape: shape, storage: .bool(rearrangement.apply(v)))
        }
    }
}
