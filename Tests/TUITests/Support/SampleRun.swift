// A made-up run for tests: deterministic, small enough to read in a snapshot, shaped like a real
// one (two layers, six Broden categories, some detectors, some near-misses).

import Render
import TestSupport
@testable import TUI

enum SampleRun {
    static let categories = ["object", "part", "material", "color", "scene", "texture"]
    static let labels: [String: [String]] = [
        "object": ["dog", "cat", "car", "sky", "tree", "person", "grass", "road"],
        "part": ["leg", "wheel", "head", "window"],
        "material": ["wood", "fabric", "glass"],
        "color": ["red-c", "blue-c", "green-c", "yellow-c"],
        "scene": ["street-s", "kitchen-s", "beach-s"],
        "texture": ["striped", "dotted", "banded", "zigzagged"],
    ]

    /// `count` units with seeded labels and IoUs.
    static func units(_ count: Int, seed: UInt64) -> [UnitRow] {
        var g = SeededGenerator(seed: seed)
        return (1...count).map { unit in
            let strength = Double(g.next() % 100) / 100
            let perCategory = categories.map { c -> CategoryBest in
                let names = labels[c]!
                return CategoryBest(category: c, label: names[Int(g.next() % UInt64(names.count))],
                                    iou: strength * Double(g.next() % 1000) / 1000 * (c == "object" ? 0.3 : 0.12))
            }
            let best = perCategory.max { $0.iou < $1.iou }!
            return UnitRow(unit: unit, label: best.label, category: best.category, iou: best.iou, perCategory: perCategory)
        }
    }

    static func info(_ directory: String = "/runs/mobilenet") -> RunInfo {
        RunInfo(directory: directory, model: "/models/mobilenet_v2.onnx", dataset: "/data/broden1_224",
                imageCount: 1000, categories: categories, labelCount: 26)
    }

    /// A finished run with two layers.
    static func finished() -> RunSnapshot {
        RunSnapshot(info: info(), progress: ProgressInfo(phase: .finished, pass: 2, passCount: 2, passName: "tally",
                                                         done: 1000, total: 1000),
                    layers: [LayerResult(name: "features.10", unitCount: 24, units: units(24, seed: 1), provisional: false),
                             LayerResult(name: "features.17", unitCount: 40, units: units(40, seed: 2), provisional: false)])
    }

    /// A run in its tally pass, `done` of 1000 images, with provisional results.
    static func running(done: Int, phase: ProgressInfo.Phase = .running) -> RunSnapshot {
        var s = finished()
        s.progress = ProgressInfo(phase: phase, pass: 2, passCount: 2, passName: "tally", done: done, total: 1000,
                                  rate: 41.5, eta: Double(1000 - done) / 41.5)
        for i in s.layers.indices { s.layers[i].provisional = true }
        return s
    }

    /// Captions for `n` top images of 224x224.
    static func captions(_ n: Int) -> [ImageCaption] {
        (0..<n).map { ImageCaption(rank: $0, imageIndex: 100 + 7 * $0, path: "ade20k/ADE_train_\(1000 + $0).jpg",
                                   maxActivation: 9.5 - Double($0) * 0.7, maskFraction: 0.05 + 0.01 * Double($0),
                                   width: 224, height: 224) }
    }

    /// A state showing `snapshot` on a terminal of `rows` x `columns`, past the about screen.
    static func state(_ snapshot: RunSnapshot = finished(), rows: Int = 24, columns: Int = 80, unicode: Bool = true,
                      pictures: PictureFormat = .halfBlock, drivesRun: Bool = false) -> AppState {
        var state = AppState(terminal: TerminalInfo(size: TerminalSize(rows: rows, columns: columns),
                                                    pictures: pictures, unicode: unicode),
                             drivesRun: drivesRun, showAbout: false)
        _ = state.update(.snapshot(snapshot))
        return state
    }
}
