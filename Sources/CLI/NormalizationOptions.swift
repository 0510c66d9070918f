// `--mean`, `--std`, `--bgr`: how a model wants its input images normalised, written once for
// every command that runs a model over images (`dissect`, `explore`, `rotate`, `ablate`).
import ArgumentParser

/// The input normalisation options (default: torchvision's ImageNet mean and deviation, RGB).
struct NormalizationOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: "Input mean per channel, after scaling to [0, 1].")
    var mean: [Float] = [0.485, 0.456, 0.406]

    @Option(name: .long, parsing: .upToNextOption, help: "Input standard deviation per channel.")
    var std: [Float] = [0.229, 0.224, 0.225]

    @Flag(name: .long, help: "The model expects BGR channel order.")
    var bgr = false
}
