// The Dissection module: the method of Network Dissection (`docs/architecture.md`), and only it.
//
// `Concepts/` (categories and labels), `Probe/` (reading a Broden-layout probe dataset and
// decoding its samples), `Activations/` (where a layer's activations come from: a model's session
// or a .npy file, and the on-disk cache between passes), `Quantile/` (exact per-unit thresholds),
// `TopImages/`, `Masks/` (label masks and unit masks as bitsets), `Tally/` (the I, U, G sums),
// `Scores/` (IoU and detectors), `Store/` (the SQLite run store: the only code that imports GRDB
// and writes SQL), `Run/` (the dissector: its passes, checkpoints, events and errors) and
// `Explanations/` (compositional explanations: formulas of labels and their searches).
// It uses Runtime (to run models) and Render (to decode images). Making or checking probes lives
// in ProbeTools; what commands and the explorer do with a run lives in Workflows.
