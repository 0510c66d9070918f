// Merging the pass-1 and refine states of shards (docs/method.md#sharded-runs).
//
// Each state is a function of the set of images it saw, and each merge gives the state one process
// would have after seeing both sets: selectors keep the largest values of the union (each side
// holds all of its own values above its cutoff, so the union's `keep` largest are among them) and
// add their counts; histograms add their bins; top-image lists keep the best `k` of both in the
// one total order (larger maximum, then lower image index). The thresholds of a merged state are
// therefore those of one process, bit for bit.

extension TopValueSelector {
    /// Takes in the values `other` holds and its count (the same `keep`).
    public mutating func merge(_ other: TopValueSelector) {
        precondition(other.keep == keep, "TopValueSelector.merge: keep \(other.keep) != \(keep)")
        let seen = count + other.count
        let (values, filled) = other.held
        values.withUnsafeBufferPointer { add(UnsafeBufferPointer(rebasing: $0[0..<filled])) }
        count = seen
    }
}

extension RadixQuantile {
    /// Pass 1: adds `other`'s high-bit counts.
    public mutating func mergeCounts(_ other: RadixQuantile) {
        precondition(refineBins.isEmpty && other.refineBins.isEmpty, "RadixQuantile.mergeCounts after startRefine")
        for b in high.indices { high[b] &+= other.high[b] }
        count += other.count
    }

    /// Refine pass: adds `other`'s low-bit counts (both started from the same pass-1 counts).
    public mutating func mergeRefine(_ other: RadixQuantile) {
        precondition(refineBins == other.refineBins && count == other.count, "RadixQuantile.mergeRefine: different bins")
        for k in low.indices {
            for l in low[k].indices { low[k][l] &+= other.low[k][l] }
        }
    }
}

extension TopImages {
    /// Keeps the best `k` of both lists of every unit.
    public mutating func merge(_ other: TopImages) {
        precondition(other.entries.count == entries.count && other.k == k && other.mapSize == mapSize,
                     "TopImages.merge: different shapes")
        for u in entries.indices where !other.entries[u].isEmpty {
            var list = entries[u] + other.entries[u]
            list.sort { $0.ranksBefore($1) }
            entries[u] = Array(list.prefix(k))
        }
    }
}

extension ThresholdPass {
    /// Whether `other` is a state of the same layer and settings (and so can be merged).
    public func isCompatible(with other: ThresholdPass) -> Bool {
        other.units == units && other.mapSize == mapSize && other.p == p && other.method == method
            && other.selectors.first?.keep == selectors.first?.keep && other.top.k == top.k
    }

    /// Pass 1: takes in another shard's values, histograms and top images.
    public mutating func merge(_ other: ThresholdPass) {
        precondition(isCompatible(with: other), "ThresholdPass.merge: incompatible states")
        for u in selectors.indices { selectors[u].merge(other.selectors[u]) }
        for u in histograms.indices { histograms[u].mergeCounts(other.histograms[u]) }
        top.merge(other.top)
        images += other.images
    }

    /// Refine pass: takes in another shard's low-bit counts (both started from the same merged pass 1).
    public mutating func mergeRefine(_ other: ThresholdPass) {
        precondition(isCompatible(with: other), "ThresholdPass.mergeRefine: incompatible states")
        for u in histograms.indices { histograms[u].mergeRefine(other.histograms[u]) }
    }
}

extension LayerTally {
    /// Adds another shard's sums.
    public mutating func merge(_ other: LayerTally) {
        precondition(other.units == units && other.labelSlots == labelSlots && other.categoryCount == categoryCount,
                     "LayerTally.merge: different shapes")
        for i in intersections.indices { intersections[i] &+= other.intersections[i] }
        for i in unions.indices { unions[i] &+= other.unions[i] }
        for i in truth.indices { truth[i] &+= other.truth[i] }
        for i in activeArea.indices { activeArea[i] &+= other.activeArea[i] }
        images += other.images
    }
}
