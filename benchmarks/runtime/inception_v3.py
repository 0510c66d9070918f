"""Writes an Inception-v3-shaped ONNX model with random weights (torchvision's Inception3 up to
Mixed_7c: its layout, module paths and node names as the legacy exporter writes them), so the
runtime benchmark measures Inception-v3 without torch and without a download.

    python inception_v3.py OUT.onnx

BasicConv2d is a Conv without bias, a BatchNormalization (eps 0.001) and a Relu, un-fused as an
export has them; the branches' average pools count the padding (torch's default), the max pools
have none. The input is (N, 3, 224, 224) with a symbolic batch (Mixed_7c is 2048 x 5 x 5 there).
"""
import sys

import numpy as np
import onnx

from resnet18 import Builder  # the same node naming and initialisation


class Inception(Builder):
    def basic_conv(self, x, path, cin, cout, kernel, stride=1, padding=(0, 0)):
        """torchvision's BasicConv2d at module path `path`: (N, cin, H, W) -> (N, cout, H', W')."""
        kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
        ph, pw = padding if isinstance(padding, tuple) else (padding, padding)
        scope = "/" + path.replace(".", "/")
        # He initialisation keeps activations in range through the depth.
        w = self.rng.standard_normal((cout, cin, kh, kw)) * np.sqrt(2.0 / (cin * kh * kw))
        y = self.node("Conv", f"{scope}/conv", [x, self.param(f"{path}.conv.weight", w)],
                      dilations=[1, 1], group=1, kernel_shape=[kh, kw], pads=[ph, pw, ph, pw],
                      strides=[stride, stride])
        y = self.batch_norm(y, f"{scope}/bn", f"{path}.bn", cout, epsilon=1e-3)
        return self.node("Relu", scope, [y])

    def average_pool(self, x, scope, suffix=""):
        return self.node("AveragePool", scope, [x], suffix=suffix, kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[1, 1], ceil_mode=0, count_include_pad=1)

    def max_pool(self, x, scope, suffix=""):
        return self.node("MaxPool", scope, [x], suffix=suffix, kernel_shape=[3, 3], pads=[0, 0, 0, 0],
                         strides=[2, 2], ceil_mode=0)

    def concat(self, parts, scope, suffix=""):
        return self.node("Concat", scope, parts, suffix=suffix, axis=1)

    def inception_a(self, x, m, cin, pool_features):  # -> 224 + pool_features channels
        b1 = self.basic_conv(x, f"{m}.branch1x1", cin, 64, 1)
        b5 = self.basic_conv(x, f"{m}.branch5x5_1", cin, 48, 1)
        b5 = self.basic_conv(b5, f"{m}.branch5x5_2", 48, 64, 5, padding=2)
        b3 = self.basic_conv(x, f"{m}.branch3x3dbl_1", cin, 64, 1)
        b3 = self.basic_conv(b3, f"{m}.branch3x3dbl_2", 64, 96, 3, padding=1)
        b3 = self.basic_conv(b3, f"{m}.branch3x3dbl_3", 96, 96, 3, padding=1)
        bp = self.basic_conv(self.average_pool(x, f"/{m}"), f"{m}.branch_pool", cin, pool_features, 1)
        return self.concat([b1, b5, b3, bp], f"/{m}")

    def inception_b(self, x, m, cin):  # -> 480 + cin channels, half the size
        b3 = self.basic_conv(x, f"{m}.branch3x3", cin, 384, 3, stride=2)
        bd = self.basic_conv(x, f"{m}.branch3x3dbl_1", cin, 64, 1)
        bd = self.basic_conv(bd, f"{m}.branch3x3dbl_2", 64, 96, 3, padding=1)
        bd = self.basic_conv(bd, f"{m}.branch3x3dbl_3", 96, 96, 3, stride=2)
        return self.concat([b3, bd, self.max_pool(x, f"/{m}")], f"/{m}")

    def inception_c(self, x, m, cin, c7):  # -> 768 channels
        b1 = self.basic_conv(x, f"{m}.branch1x1", cin, 192, 1)
        b7 = self.basic_conv(x, f"{m}.branch7x7_1", cin, c7, 1)
        b7 = self.basic_conv(b7, f"{m}.branch7x7_2", c7, c7, (1, 7), padding=(0, 3))
        b7 = self.basic_conv(b7, f"{m}.branch7x7_3", c7, 192, (7, 1), padding=(3, 0))
        bd = self.basic_conv(x, f"{m}.branch7x7dbl_1", cin, c7, 1)
        bd = self.basic_conv(bd, f"{m}.branch7x7dbl_2", c7, c7, (7, 1), padding=(3, 0))
        bd = self.basic_conv(bd, f"{m}.branch7x7dbl_3", c7, c7, (1, 7), padding=(0, 3))
        bd = self.basic_conv(bd, f"{m}.branch7x7dbl_4", c7, c7, (7, 1), padding=(3, 0))
        bd = self.basic_conv(bd, f"{m}.branch7x7dbl_5", c7, 192, (1, 7), padding=(0, 3))
        bp = self.basic_conv(self.average_pool(x, f"/{m}"), f"{m}.branch_pool", cin, 192, 1)
        return self.concat([b1, b7, bd, bp], f"/{m}")

    def inception_d(self, x, m, cin):  # -> 512 + cin channels, half the size
        b3 = self.basic_conv(x, f"{m}.branch3x3_1", cin, 192, 1)
        b3 = self.basic_conv(b3, f"{m}.branch3x3_2", 192, 320, 3, stride=2)
        b7 = self.basic_conv(x, f"{m}.branch7x7x3_1", cin, 192, 1)
        b7 = self.basic_conv(b7, f"{m}.branch7x7x3_2", 192, 192, (1, 7), padding=(0, 3))
        b7 = self.basic_conv(b7, f"{m}.branch7x7x3_3", 192, 192, (7, 1), padding=(3, 0))
        b7 = self.basic_conv(b7, f"{m}.branch7x7x3_4", 192, 192, 3, stride=2)
        return self.concat([b3, b7, self.max_pool(x, f"/{m}")], f"/{m}")

    def inception_e(self, x, m, cin):  # -> 2048 channels
        b1 = self.basic_conv(x, f"{m}.branch1x1", cin, 320, 1)
        b3 = self.basic_conv(x, f"{m}.branch3x3_1", cin, 384, 1)
        b3 = self.concat([self.basic_conv(b3, f"{m}.branch3x3_2a", 384, 384, (1, 3), padding=(0, 1)),
                          self.basic_conv(b3, f"{m}.branch3x3_2b", 384, 384, (3, 1), padding=(1, 0))],
                         f"/{m}")
        bd = self.basic_conv(x, f"{m}.branch3x3dbl_1", cin, 448, 1)
        bd = self.basic_conv(bd, f"{m}.branch3x3dbl_2", 448, 384, 3, padding=1)
        bd = self.concat([self.basic_conv(bd, f"{m}.branch3x3dbl_3a", 384, 384, (1, 3), padding=(0, 1)),
                          self.basic_conv(bd, f"{m}.branch3x3dbl_3b", 384, 384, (3, 1), padding=(1, 0))],
                         f"/{m}", suffix="_1")
        bp = self.basic_conv(self.average_pool(x, f"/{m}"), f"{m}.branch_pool", cin, 192, 1)
        return self.concat([b1, b3, bd, bp], f"/{m}", suffix="_2")


def build():
    b = Inception()
    x = b.basic_conv("input", "Conv2d_1a_3x3", 3, 32, 3, stride=2)
    x = b.basic_conv(x, "Conv2d_2a_3x3", 32, 32, 3)
    x = b.basic_conv(x, "Conv2d_2b_3x3", 32, 64, 3, padding=1)
    x = b.max_pool(x, "/maxpool1")
    x = b.basic_conv(x, "Conv2d_3b_1x1", 64, 80, 1)
    x = b.basic_conv(x, "Conv2d_4a_3x3", 80, 192, 3)
    x = b.max_pool(x, "/maxpool2")
    x = b.inception_a(x, "Mixed_5b", 192, 32)
    x = b.inception_a(x, "Mixed_5c", 256, 64)
    x = b.inception_a(x, "Mixed_5d", 288, 64)
    x = b.inception_b(x, "Mixed_6a", 288)
    x = b.inception_c(x, "Mixed_6b", 768, 128)
    x = b.inception_c(x, "Mixed_6c", 768, 160)
    x = b.inception_c(x, "Mixed_6d", 768, 160)
    x = b.inception_c(x, "Mixed_6e", 768, 192)
    x = b.inception_d(x, "Mixed_7a", 768)
    x = b.inception_e(x, "Mixed_7b", 1280)
    x = b.inception_e(x, "Mixed_7c", 2048)
    return b.finish(x, "inception_v3", 2048, "benchmarks/runtime/inception_v3.py")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: inception_v3.py OUT.onnx")
    onnx.save(build(), sys.argv[1])
