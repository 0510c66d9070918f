// The Render module: images and what is drawn from them.
//
// RGB8 images, JPEG and PNG codecs (libjpeg-turbo, libspng), resampling, colormaps, mask and
// heatmap overlays, terminal pictures (sixel through libsixel, Unicode half-blocks) and report
// writers. It depends on nothing else of ours, so the runtime-free parts of the tool (reports,
// the explorer's pictures) can be tested on their own.
