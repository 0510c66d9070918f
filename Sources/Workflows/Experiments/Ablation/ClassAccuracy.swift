// Per-class accuracy of a classifier on a labelled set, the way the PNAS 2020 ablation
// experiments measure it (davidbau/dissect, experiment/intervention_experiment.py): the model's
// prediction is its top-1 class over all its outputs, and each class c is scored as a binary
// task "is it c?" with the balanced accuracy
//
//     BA_c = (recall_c + specificity_c) / 2
//     recall_c      = #{true c, predicted c} / #{true c}
//     specificity_c = #{true not c, predicted not c} / #{true not c}
//
// which a model cannot raise by predicting c more often. When every image is of class c the
// specificity is undefined and BA_c is the recall.

/// Counts and scores of one class.
public struct ClassScore: Sendable, Equatable {
    /// The class (model output index).
    public var label: Int
    /// Images of the class.
    public var positives: Int
    /// Of those, predicted as the class.
    public var truePositives: Int
    /// Images of other classes predicted as this one.
    public var falsePositives: Int
    /// Images of other classes.
    public var negatives: Int

    /// `truePositives / positives` (0 without positives).
    public var recall: Double { positives == 0 ? 0 : Double(truePositives) / Double(positives) }
    /// `(negatives - falsePositives) / negatives`, or nil without negatives.
    public var specificity: Double? { negatives == 0 ? nil : Double(negatives - falsePositives) / Double(negatives) }
    /// The balanced accuracy: mean of recall and specificity (the recall when there are no negatives).
    public var balancedAccuracy: Double { specificity.map { (recall + $0) / 2 } ?? recall }
}

/// Per-class scores of one set of predictions.
public struct ClassAccuracy: Sendable, Equatable {
    /// Scores of the classes that have images, ascending by class.
    public var classes: [ClassScore]
    /// Fraction of images whose top-1 prediction is their class.
    public var accuracy: Double

    /// Scores `predictions` (top-1 class per image) against `labels` (true class per image).
    public init(labels: [Int], predictions: [Int]) {
        precondition(labels.count == predictions.count, "ClassAccuracy: \(labels.count) labels, \(predictions.count) predictions")
        var positives: [Int: Int] = [:], truePositives: [Int: Int] = [:], predicted: [Int: Int] = [:]
        var correct = 0
        for (y, p) in zip(labels, predictions) {
            positives[y, default: 0] += 1
            predicted[p, default: 0] += 1
            if y == p { truePositives[y, default: 0] += 1; correct += 1 }
        }
        classes = positives.keys.sorted().map { c in
            let tp = truePositives[c] ?? 0
            return ClassScore(label: c, positives: positives[c]!, truePositives: tp,
                              falsePositives: (predicted[c] ?? 0) - tp, negatives: labels.count - positives[c]!)
        }
        accuracy = labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
    }

    /// The score of class `label`, if it has images.
    public func score(_ label: Int) -> ClassScore? { classes.first { $0.label == label } }

    /// Mean balanced accuracy over the classes that have images.
    public var meanBalancedAccuracy: Double {
        classes.isEmpty ? 0 : classes.map(\.balancedAccuracy).reduce(0, +) / Double(classes.count)
    }
}
