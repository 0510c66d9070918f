// The writes of a run, each one call inside `RunStore.write`'s transaction: a checkpoint is a
// sequence of them (progress, resume blobs, skipped inputs, provisional results, top images), so
// the database always describes one consistent point of the run. The dissector's passes say what
// to store; only this file and the rest of `Store/` speak SQL.
import Foundation
import GRDB

extension RunStore {
    /// One open write transaction on the run database.
    struct Transaction {
        let db: Database

        /// Sets whether the run keeps its activations in the on-disk cache between passes.
        func setActivationCache(_ used: Bool) throws {
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           arguments: [RunStore.activationCacheKey, used ? "yes" : "no"])
        }

        /// Updates the progress row.
        func setProgress(_ p: RunProgress) throws {
            try db.execute(sql: """
                UPDATE progress SET status = ?, pass = ?, pass_name = ?, passes = ?, images_done = ?, images_total = ?,
                    images_skipped = ?, rate = ?, eta_seconds = ?, updated_at = ?, finished_at = ?, message = ? WHERE id = 1
                """, arguments: [p.status.rawValue, p.pass, p.passName, p.passes, p.imagesDone, p.imagesTotal,
                                 p.imagesSkipped, p.rate, p.etaSeconds, p.updatedAt, p.finishedAt, p.message])
        }

        /// Records the non-finite activation values of a layer's pass 1 (`meta` key `nonfinite:<layer>`,
        /// value `NaN +inf -inf` counts), or nothing when there were none.
        func setNonFinite(layer: String, _ counts: NonFiniteCounts) throws {
            let key = RunStore.nonFiniteKeyPrefix + layer
            if counts.isEmpty {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
            } else {
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                               arguments: [key, "\(counts.nan) \(counts.positiveInfinity) \(counts.negativeInfinity)"])
            }
        }

        /// Stores a resume blob.
        func setBlob(layer: String, kind: String, _ bytes: [UInt8]) throws {
            try db.execute(sql: "INSERT OR REPLACE INTO checkpoints (layer, kind, data) VALUES (?, ?, ?)",
                           arguments: [layer, kind, Data(bytes)])
        }

        /// Removes a resume blob.
        func removeBlob(layer: String, kind: String) throws {
            try db.execute(sql: "DELETE FROM checkpoints WHERE layer = ? AND kind = ?", arguments: [layer, kind])
        }

        /// Records skipped inputs (an image already recorded keeps its first reason).
        func addSkipped(_ items: [SkippedInput]) throws {
            for s in items {
                try db.execute(sql: "INSERT OR IGNORE INTO skipped (image, path, reason, pass) VALUES (?, ?, ?, ?)",
                               arguments: [s.image, s.path, s.reason, s.pass])
            }
        }

        /// Replaces a layer's top images.
        func setTopImages(layer: String, _ top: TopImages, height: Int, width: Int) throws {
            try db.execute(sql: "DELETE FROM top_images WHERE layer = ?", arguments: [layer])
            let insert = try RowInserter(db, sql: """
                INSERT INTO top_images (layer, unit, rank, image, max_activation, map_height, map_width, map)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try insert.bind(1, layer)
            try insert.bind(6, height)
            try insert.bind(7, width)
            for (u, list) in top.entries.enumerated() {
                try insert.bind(2, u)
                for (rank, e) in list.enumerated() {
                    try insert.bind(3, rank)
                    try insert.bind(4, e.image)
                    try insert.bind(5, Double(e.maximum))
                    try floatBlob(e.map).withUnsafeBytes { try insert.bind(8, blob: $0) }
                    try insert.step()
                }
            }
        }

        func setThresholds(layer: String, _ thresholds: [Float]) throws {
            let update = try RowInserter(db, sql: "UPDATE units SET threshold = ? WHERE layer = ? AND unit = ?")
            try update.bind(2, layer)
            for (u, t) in thresholds.enumerated() {
                try update.bind(1, t.isFinite ? Double(t) : nil)
                try update.bind(3, u)
                try update.step()
            }
        }

        /// Writes per-unit results (provisional or final).
        func setScores(layer: String, _ scores: [UnitScore], final: Bool) throws {
            let update = try RowInserter(db, sql: """
                UPDATE units SET label = ?, category = ?, iou = ?, detector = ?, final = ? WHERE layer = ? AND unit = ?
                """)
            let perCategory = try RowInserter(db, sql: """
                INSERT OR REPLACE INTO unit_categories (layer, unit, category, label, iou, truth, activation, intersection)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try update.bind(5, final)
            try update.bind(6, layer)
            try perCategory.bind(1, layer)
            for s in scores {
                try update.bind(1, s.label)
                try update.bind(2, s.category)
                try update.bind(3, s.iou)
                try update.bind(4, s.isDetector)
                try update.bind(7, s.unit)
                try update.step()
                try perCategory.bind(2, s.unit)
                for c in s.perCategory {
                    try perCategory.bind(3, c.category)
                    try perCategory.bind(4, c.label)
                    try perCategory.bind(5, c.iou)
                    try perCategory.bind(6, c.truth)
                    try perCategory.bind(7, c.activation)
                    try perCategory.bind(8, c.intersect)
                    try perCategory.step()
                }
            }
        }

        /// Writes a finished layer's sums as rows (non-zero intersections only) and its summary.
        func finishLayer(layer: String, tally: LayerTally, catalog: ConceptCatalog, uniqueDetectors: Int) throws {
            try db.execute(sql: "DELETE FROM intersections WHERE layer = ?", arguments: [layer])
            try db.execute(sql: "DELETE FROM label_truth WHERE layer = ?", arguments: [layer])
            try db.execute(sql: "DELETE FROM unit_unions WHERE layer = ?", arguments: [layer])
            var inter = try TripleInserter(db, table: "intersections", columns: ["layer", "unit", "label", "intersection"], shared: layer)
            for u in 0..<tally.units {
                for (k, l) in catalog.labels.enumerated() {
                    let v = tally.intersection(unit: u, slot: k)
                    guard v > 0 else { continue }
                    try inter.add(Int64(u), Int64(l.id), Int64(clamping: v))
                }
            }
            try inter.finish()
            let truth = try RowInserter(db, sql: "INSERT INTO label_truth (layer, label, truth) VALUES (?, ?, ?)")
            try truth.bind(1, layer)
            for (k, l) in catalog.labels.enumerated() {
                try truth.bind(2, l.id)
                try truth.bind(3, tally.truth[k])
                try truth.step()
            }
            var unions = try TripleInserter(db, table: "unit_unions", columns: ["layer", "unit", "category", "activation"], shared: layer)
            for u in 0..<tally.units {
                for c in 0..<tally.categoryCount {
                    try unions.add(Int64(u), Int64(c), Int64(clamping: tally.union(unit: u, category: c)))
                }
            }
            try unions.finish()
            try db.execute(sql: "UPDATE layers SET finished = 1, unique_detectors = ? WHERE name = ?", arguments: [uniqueDetectors, layer])
        }
    }
}
