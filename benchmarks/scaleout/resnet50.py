"""Writes a ResNet-50-shaped ONNX model with random weights (torchvision's layout and module
paths, bottleneck blocks [3, 4, 6, 3]), for the scale-out estimate: its four stages layer1 to
layer4 are what published dissections of ResNet-50 dissect. No torch, no download.

    python resnet50.py OUT.onnx
"""
import os
import sys

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
from resnet18 import Builder  # noqa: E402  (the same node naming and initialisation)


def bottleneck(b, x, layer, index, cin, width, stride):
    block = f"{layer}.{index}"
    scope = f"/{layer}/{block}"
    cout = width * 4
    y = b.conv(x, f"{scope}/conv1", f"{block}.conv1", cin, width, 1, 1)
    y = b.node("Relu", f"{scope}/relu", [b.batch_norm(y, f"{scope}/bn1", f"{block}.bn1", width)])
    y = b.conv(y, f"{scope}/conv2", f"{block}.conv2", width, width, 3, stride)
    y = b.node("Relu", f"{scope}/relu", [b.batch_norm(y, f"{scope}/bn2", f"{block}.bn2", width)], suffix="_1")
    y = b.conv(y, f"{scope}/conv3", f"{block}.conv3", width, cout, 1, 1)
    y = b.batch_norm(y, f"{scope}/bn3", f"{block}.bn3", cout)
    if stride != 1 or cin != cout:
        x = b.conv(x, f"{scope}/downsample/downsample.0", f"{block}.downsample.0", cin, cout, 1, stride)
        x = b.batch_norm(x, f"{scope}/downsample/downsample.1", f"{block}.downsample.1", cout)
    y = b.node("Add", scope, [y, x])
    return b.node("Relu", f"{scope}/relu", [y], suffix="_2")


def build():
    b = Builder(seed=1)
    x = b.conv("input", "/conv1", "conv1", 3, 64, 7, 2)
    x = b.node("Relu", "/relu", [b.batch_norm(x, "/bn1", "bn1", 64)])
    x = b.node("MaxPool", "/maxpool", [x], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2], ceil_mode=0)
    cin = 64
    for i, (width, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], start=1):
        for k in range(blocks):
            x = bottleneck(b, x, f"layer{i}", k, cin, width, stride if k == 0 else 1)
            cin = width * 4
    return b.finish(x, "resnet50", 2048, "benchmarks/scaleout/resnet50.py", fc=False)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: resnet50.py OUT.onnx")
    onnx.save(build(), sys.argv[1])
