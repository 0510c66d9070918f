// How a run is executed: settings that do not change its results.

/// Execution settings (not part of a run's identity).
public struct RunOptions: Sendable {
    /// Images per batch.
    public var batchSize: Int
    /// Worker threads for the tally and the quantiles.
    public var threads: Int
    /// Checkpoint every this many images in every pass (rounded up to whole batches).
    public var checkpointEvery: Int
    /// Overwrite a finished run or one with other settings.
    public var force: Bool
    /// Largest activation cache (bytes) kept between the passes of a model run; above it, pass 2
    /// recomputes the activations. Also never more than 90 % of the free disk space.
    public var cacheLimit: Int
    /// Largest memory (bytes) the exact-quantile buffers of all layers may take.
    public var quantileMemoryLimit: Int
    /// Force a quantile method for every layer (tests); nil chooses per layer by memory.
    public var quantileMethod: QuantileMethod?
    /// What this process does of the run: all of it, or a step of a sharded run.
    public var work: RunWork = .whole

    public init(batchSize: Int = 32, threads: Int = 0, checkpointEvery: Int = 512, force: Bool = false,
                cacheLimit: Int = 200 << 30, quantileMemoryLimit: Int = 1 << 30, quantileMethod: QuantileMethod? = nil) {
        self.batchSize = max(1, batchSize)
        self.threads = threads
        self.checkpointEvery = max(1, checkpointEvery)
        self.force = force
        self.cacheLimit = cacheLimit
        self.quantileMemoryLimit = quantileMemoryLimit
        self.quantileMethod = quantileMethod
    }

    /// `threads`, or the number of active cores when 0.
    public var workerCount: Int {
        threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

import Foundation

/// What one process does of a run (`Dissector+Shards.swift`).
public enum RunWork: Sendable, Equatable {
    /// The whole run, pass after pass.
    case whole
    /// Creates the run for this many shards, and does no image.
    case prepareShards(Int)
    /// One shard's share of the run's current pass; with a pass, only when the run is at it.
    case shard(ShardSpec, pass: Int?)
    /// Merges the shards of the run's current pass and advances the run; with a pass, only when
    /// the run is at it.
    case merge(pass: Int?)
}
