"""Architecture families of the ZooScout zoo (small, 32x32 RGB input).

Every model's forward returns (logits, features): features = the globally pooled penultimate
vector, exported as the ONNX output `features` beside `logits`.
"""
import torch
import torch.nn as nn


def conv_bn(cin, cout, k=3, s=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3, 1, act=False)
        self.skip = None if (cin == cout and stride == 1) else conv_bn(cin, cout, 1, stride, act=False)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        y = self.b(self.a(x))
        return self.relu(y + (x if self.skip is None else self.skip(x)))


class Head(nn.Module):
    def __init__(self, body, dim, classes):
        super().__init__()
        self.body = body
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(dim, classes)
        self.dim = dim

    def features(self, x):
        return torch.flatten(self.pool(self.body(x)), 1)

    def forward(self, x):
        f = self.features(x)
        return self.fc(f), f


def resnet(classes):
    # ResNet-10-ish: stride-2 stem, 4 stages of one basic block, widths 16-32-64-96
    body = nn.Sequential(
        conv_bn(3, 16, 3, 1),
        Basic(16, 24, 2),
        Basic(24, 48, 2),
        Basic(48, 96, 2),
    )
    return Head(body, 96, classes)


class InvRes(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        mid = cin * expand
        self.block = nn.Sequential(
            conv_bn(cin, mid, 1),
            conv_bn(mid, mid, 3, stride, groups=mid),
            conv_bn(mid, cout, 1, act=False),
        )
        self.res = cin == cout and stride == 1

    def forward(self, x):
        y = self.block(x)
        return x + y if self.res else y


def mobilenetv2(classes):
    body = nn.Sequential(
        conv_bn(3, 16, 3, 2),
        InvRes(16, 16, 1, 1),
        InvRes(16, 24, 2, 4),
        InvRes(24, 24, 1, 4),
        InvRes(24, 40, 2, 4),
        InvRes(40, 40, 1, 4),
        InvRes(40, 64, 1, 4),
        InvRes(64, 64, 1, 4),
        conv_bn(64, 128, 1),
    )
    return Head(body, 128, classes)


def vgg(classes):
    body = nn.Sequential(
        conv_bn(3, 16), nn.MaxPool2d(2),
        conv_bn(16, 32), nn.MaxPool2d(2),
        conv_bn(32, 64), nn.MaxPool2d(2),
        conv_bn(64, 128),
    )
    return Head(body, 128, classes)


class MixerLayer(nn.Module):
    def __init__(self, dim, k):
        super().__init__()
        self.dw = nn.Sequential(nn.Conv2d(dim, dim, k, 1, k // 2, groups=dim), nn.GELU(), nn.BatchNorm2d(dim))
        self.pw = nn.Sequential(nn.Conv2d(dim, dim, 1), nn.GELU(), nn.BatchNorm2d(dim))

    def forward(self, x):
        return self.pw(x + self.dw(x))


def convmixer(classes):
    dim, depth, k, p = 80, 5, 5, 4
    body = nn.Sequential(
        nn.Conv2d(3, dim, p, p), nn.GELU(), nn.BatchNorm2d(dim),
        *[MixerLayer(dim, k) for _ in range(depth)],
    )
    return Head(body, dim, classes)


FAMILIES = {'resnet': resnet, 'mobilenetv2': mobilenetv2, 'vgg': vgg, 'convmixer': convmixer}


def count_macs(model, size=32):
    macs = [0]

    def conv_hook(m, i, o):
        macs[0] += o.numel() // o.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin_hook(m, i, o):
        macs[0] += m.in_features * m.out_features

    hs = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hs.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hs.append(m.register_forward_hook(lin_hook))
    was = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    model.train(was)
    for h in hs:
        h.remove()
    return macs[0]
