// Why a node cannot be resolved.

/// Why a node cannot be resolved: its shapes do not work out at this input size, the node is
/// malformed whatever the input size, or it needs a per-image value where only a load-time one
/// will do. The three get different advice (check the input size, export again, fix the size).
package struct OpFailure: Error, Equatable {
    package enum Kind: Equatable {
        /// The shapes reaching the node do not fit it; another input size may.
        case shape
        /// The node itself is wrong (weights of the wrong rank, a missing input, an axis out
        /// of range): no input size helps.
        case malformed
        /// It would compute per image what is only supported at load.
        case dynamic
    }

    package var reason: String
    package var kind: Kind

    package static func shape(_ reason: String) -> OpFailure { OpFailure(reason: reason, kind: .shape) }
    package static func malformed(_ reason: String) -> OpFailure { OpFailure(reason: reason, kind: .malformed) }
    package static func dynamic(_ reason: String) -> OpFailure { OpFailure(reason: reason, kind: .dynamic) }

    package init(reason: String, kind: Kind) {
        self.reason = reason
        self.kind = kind
    }
}
