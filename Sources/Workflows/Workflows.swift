// The Workflows module: what the commands and the explorer do, built on the method.
//
// `Dissect/` prepares and runs a dissection from a command's arguments and prints its progress;
// `Report/` opens a finished or running run for viewing (`summary`, `unit`, the HTML `report`,
// a unit's top images drawn with its mask); `Experiments/` holds the rotation, comparison and
// ablation experiments and what they add to summaries and reports; `Export/` writes a run's IoU
// matrix and per-unit results; `Classify/` classifies photos (`classify`) and owns reading an
// image file whatever its format; `Slurm/` launches and resumes sharded runs on Slurm
// (`netdissect slurm`) and `Status/` says where any run stands (`netdissect status`). It uses Dissection, Runtime and Render; the explorer (TUI) and
// the command line call it.
