// What `netdissect summary` adds for a run made by an experiment: a rotation run (rotate) gets
// its chart and table of unique detectors against α below the per-layer summary.
import Dissection
import Render

/// Extra summary lines for experiment runs.
public enum ExperimentSummary {
    /// The lines to print after the layer summary of `view` (none for a plain dissection).
    public static func lines(view: RunView, colored: ColorDepth?, width: Int) throws(ViewFailure) -> [String] {
        let result: RotationResult?
        do { result = try RotationResult.read(view.reader) } catch {
            throw ViewFailure(TerminalText.sanitize("\(error)"))
        }
        guard let result else { return [] }
        return [""] + RotationChart.chart(result, colored: colored, width: width) + [""] + RotationChart.table(result)
    }
}
