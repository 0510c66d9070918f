#!/usr/bin/env python3
"""Export a torchvision model, or your own PyTorch model, to ONNX for netdissect.

For users who have PyTorch (CI does not run this). The export uses the settings the netdissect
runtime expects: eval mode, the TorchScript-based exporter (dynamo=False), which writes each
node's PyTorch module path into its name (`/layer4/layer4.1/relu_1/Relu`) so that layers can be
named as you know them (`layer4`, `features.13`); a symbolic batch dimension; opset 17; constants
folded.

Examples:
    # a torchvision architecture with its ImageNet weights
    python scripts/export-torchvision.py resnet18 --weights DEFAULT --out models/resnet18.onnx

    # your own model: a class or factory in a file (or an importable module), plus a checkpoint
    python scripts/export-torchvision.py --module mynet.py:MyNet --checkpoint runs/best.pth \\
        --out models/mynet.onnx

    # a torchvision architecture with your fine-tuned checkpoint and 365 classes
    python scripts/export-torchvision.py resnet18 --num-classes 365 --checkpoint places.pth \\
        --out models/resnet18_places.onnx

    # vision transformers and modern CNNs: module paths name their blocks and stages
    python scripts/export-torchvision.py vit_b_16 --out models/vit_b_16.onnx      # encoder.layers.encoder_layer_11
    python scripts/export-torchvision.py swin_t --out models/swin_t.onnx          # features.5 (channels last)
    python scripts/export-torchvision.py convnext_tiny --out models/convnext_tiny.onnx  # features.5

Then `netdissect layers models/resnet18.onnx` lists what can be dissected (for a transformer,
with the grid of each token layer: `14x14 tokens +1` is ViT-B/16's 196 patch tokens and its
class token).
"""
import argparse
import importlib
import importlib.util
import os
import sys


def fail(message):
    print(f"export-torchvision: {message}", file=sys.stderr)
    sys.exit(1)


def load_factory(spec):
    """`file.py:Name` or `package.module:Name` -> the class or function called Name."""
    if ":" not in spec:
        fail(f"--module '{spec}' must be FILE.py:NAME or package.module:NAME")
    where, name = spec.rsplit(":", 1)
    if where.endswith(".py"):
        if not os.path.isfile(where):
            fail(f"{where}: no such file")
        module_spec = importlib.util.spec_from_file_location("user_model", where)
        module = importlib.util.module_from_spec(module_spec)
        sys.path.insert(0, os.path.dirname(os.path.abspath(where)))
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    if not hasattr(module, name):
        fail(f"{where} has no attribute '{name}'")
    return getattr(module, name)


def load_state_dict(torch, path):
    """A checkpoint as saved by common training loops: a state_dict, or a dict holding one."""
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - any unpickling problem is reported the same way
        fail(f"{path}: cannot read the checkpoint ({error})")
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
            break
    if not isinstance(checkpoint, dict):
        fail(f"{path}: expected a state_dict (a dict of tensors), found {type(checkpoint).__name__}")
    # Checkpoints saved from DataParallel / DistributedDataParallel prefix every key.
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in checkpoint.items()}


def import_torchvision_models():
    """torchvision.models; a CPU-only torch with a CUDA build of torchvision fails to register
    torchvision's compiled operators ("operator torchvision::nms does not exist"), which no model
    definition needs: skipping their registration makes the architectures importable."""
    try:
        import torchvision.models as models
        return models
    except Exception as error:  # noqa: BLE001
        if "torchvision::" not in str(error):
            raise
    import types
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]
    sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
    import torchvision.models as models
    return models


def build_model(args, torch):
    if args.module:
        factory = load_factory(args.module)
        kwargs = {"num_classes": args.num_classes} if args.num_classes else {}
        model = factory(**kwargs)
    else:
        try:
            models = import_torchvision_models()
        except Exception as error:  # noqa: BLE001
            fail(f"cannot import torchvision ({error}); install the torchvision that matches your torch")
        if args.arch not in models.list_models():
            fail(f"'{args.arch}' is not a torchvision model; try one of: "
                 + ", ".join(m for m in models.list_models() if "_" not in m)[:400])
        kwargs = {}
        if args.num_classes:
            kwargs["num_classes"] = args.num_classes
        if args.weights and not args.checkpoint:
            kwargs["weights"] = args.weights
        model = models.get_model(args.arch, **kwargs)
    if args.checkpoint:
        state = load_state_dict(torch, args.checkpoint)
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing:
            fail(f"{args.checkpoint}: {len(missing)} weights missing for this architecture, e.g. {missing[:3]}")
        if unexpected:
            print(f"export-torchvision: ignoring {len(unexpected)} unexpected keys, e.g. {unexpected[:3]}",
                  file=sys.stderr)
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("arch", nargs="?", help="torchvision architecture name (resnet18, vgg16, densenet161, ...)")
    parser.add_argument("--module", help="your model instead: FILE.py:NAME or package.module:NAME (a class or factory)")
    parser.add_argument("--weights", help="torchvision weights name (DEFAULT, IMAGENET1K_V1, ...)")
    parser.add_argument("--checkpoint", help="a .pth state_dict to load into the model")
    parser.add_argument("--num-classes", type=int, help="number of output classes, when not 1000")
    parser.add_argument("--input-size", type=int, default=224, help="square input size used for tracing (224)")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset (17)")
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    args = parser.parse_args()
    if bool(args.arch) == bool(args.module):
        fail("name either a torchvision architecture or --module, not both")

    try:
        import torch
    except ImportError:
        fail("PyTorch is not installed; pip install torch torchvision")

    model = build_model(args, torch)
    dummy = torch.zeros(1, 3, args.input_size, args.input_size)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    import warnings
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # the legacy exporter is chosen on purpose
    # nn.MultiheadAttention (ViT) takes a fused fast path under no_grad in eval mode, which no
    # ONNX exporter writes; the plain path exports as MatMul and Softmax.
    if hasattr(torch.backends, "mha"):
        torch.backends.mha.set_fastpath_enabled(False)
    with torch.no_grad():
        torch.onnx.export(
            model, (dummy,), args.out,
            dynamo=False,                      # keeps module paths in node names
            opset_version=args.opset,
            input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
        )
    try:
        import onnx
        onnx.checker.check_model(args.out)
    except ImportError:
        pass
    print(f"wrote {args.out}")
    print(f"next: netdissect layers {args.out}")


if __name__ == "__main__":
    main()
