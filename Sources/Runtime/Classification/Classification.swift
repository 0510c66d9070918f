// Reading a classifier's output: softmax probabilities and the top classes.
import Foundation

/// One ranked class of a prediction.
public struct RankedClass: Sendable, Equatable {
    /// Class index.
    public var index: Int
    /// Softmax probability.
    public var probability: Float
    /// The class name, when a name list was given and covers the index.
    public var name: String?
}

/// Ranked classes from a classifier's logits.
public enum Classification {
    /// The `k` most probable classes of one row of logits, most probable first.
    ///
    /// - Parameter names: class names by index (`ImageNet.classNames` for 1000 logits).
    public static func top(_ k: Int, logits: [Float], names: [String]? = nil) -> [RankedClass] {
        guard !logits.isEmpty else { return [] }
        let top = logits.max()!
        let exps = logits.map { Foundation.exp($0 - top) }
        let sum = exps.reduce(0, +)
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        return order.prefix(max(0, k)).map { i in
            RankedClass(index: i, probability: exps[i] / sum,
                        name: names.flatMap { i < $0.count ? $0[i] : nil })
        }
    }
}
