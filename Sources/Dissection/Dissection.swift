// The Dissection module: the method of Network Dissection (`docs/architecture.md`).
//
// Probe datasets in the Broden layout, activation streaming from the runtime, exact per-unit
// quantiles, bitset IoU tallies, scores, the SQLite run store and the experiments built on them.
// It uses Runtime (to run models) and Render (to decode images).
