// The ProbeTools module: making and checking probe datasets, the tools around the method.
//
// `Synth/` writes a synthetic probe in the Broden layout with exact ground truth (`netdissect
// synth`); `Download/` fetches, verifies and unpacks the real Broden (`netdissect broden
// download`: libcurl, loaded when a download starts, and ZIPFoundation enter here and nowhere else); `Check/` reads
// a whole probe and reports every problem (`netdissect probe check`); `Import/` writes the
// datasets people have (ADE20K, Pascal VOC, Cityscapes, COCO-Stuff, COCO panoptic, mask folders)
// as probes (`probe import`); `Rewrite/` makes a probe from another, resized or a subset
// (`probe resize`, `probe subset`); `Tables/` counts the tables of every probe written. It uses
// Dissection (the probe reader, the concepts) and Render (codecs and drawing); nothing of ours
// depends on it but the command line, so the explorer and the method's tests do not touch a
// network stack.
