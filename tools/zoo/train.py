"""Train the ZooScout zoo (one-off, CPU, seeded, resumable).

    /usr/bin/python3 tools/zoo/train.py train [--families resnet,vgg] [--sources mnist,dtd]
    /usr/bin/python3 tools/zoo/train.py finetune-sample SPEC.json OUT.csv

Input: .cache/zoo/train-index.json written by tools/zoo/prepare.ts (images decoded and
preprocessed by the page's own TypeScript code, so training sees exactly what the page feeds).
Per family: pre-train on the pool (zoo half of every non-reserved source dataset, one joint label
space), export `<family>-pool`; then fine-tune a copy on each source dataset's zoo half, export
`<family>-<source>`. A model whose .onnx and .json exist is skipped; pool checkpoints live in
.cache/zoo/ckpt (resume after a kill).
"""
import hashlib
import json
import math
import os
import sys
import time

os.environ.setdefault('OMP_NUM_THREADS', os.environ.get('ZOO_THREADS', '1'))
os.environ.setdefault('MKL_NUM_THREADS', os.environ.get('ZOO_THREADS', '1'))
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from families import FAMILIES, count_macs  # noqa: E402

torch.set_num_threads(int(os.environ.get('ZOO_THREADS', '1')))
torch.set_num_interop_threads(1)
CACHE = os.environ.get('ZOO_CACHE', '.cache/zoo')
OUT = os.environ.get('ZOO_MODELS', 'models/zoo')
SEED = 7
NO_FLIP = {'digits', 'handwriting'}
RESERVED_FAMILIES = {'convmixer'}
RESERVED_SOURCES = {'aid', 'pacs'}
SCALE = float(os.environ.get('ZOO_EPOCH_SCALE', '1'))  # smoke tests only
RECIPE = {
    'pretrain': {'epochs': 20, 'lr': 3e-3, 'batch': 64, 'optimizer': 'AdamW(wd=0.05), cosine, label smoothing 0.1'},
    'finetune': {'epochs': 12, 'lr': 1e-3, 'batch': 32, 'optimizer': 'AdamW(wd=0.05), cosine, label smoothing 0.1, new head'},
    'augmentation': 'random shift +-3 px (zero pad), horizontal flip except digits/handwriting',
    'framework': f'torch {torch.__version__} (CPU, 1 thread), ONNX opset 13',
}
# (pre-train, fine-tune) epochs per family where they differ from RECIPE: ResNet, the slowest on
# one CPU thread, got half the schedule to fit the time budget.
FAMILY_EPOCHS = {'resnet': (10, 8)}


def set_family_recipe(family):
    pe, fe = FAMILY_EPOCHS.get(family, (20, 12))
    RECIPE['pretrain']['epochs'] = int(os.environ.get('ZOO_PRETRAIN_EPOCHS', pe))
    RECIPE['finetune']['epochs'] = int(os.environ.get('ZOO_FINETUNE_EPOCHS', fe))


def load_index():
    with open(os.path.join(CACHE, 'train-index.json')) as f:
        return json.load(f)


_pix = {}


def pixels(idx, name):
    if name not in _pix:
        d = idx['datasets'][name]
        s = idx['size']
        _pix[name] = np.fromfile(d['cache'], dtype=np.float32).reshape(d['n'], 3, s, s)
    return _pix[name]


def part(idx, name, which):
    d = idx['datasets'][name]
    want = 1 if which == 'zoo' else 0
    ids = [i for i in range(d['n']) if d['zoo'][i] == want and not d['bad'][i]]
    x = pixels(idx, name)[ids]
    y = np.asarray(d['labels'], dtype=np.int64)[ids]
    flip = np.full(len(ids), d['domain'] not in NO_FLIP)
    return x, y, flip


def augment(x, flip, g):
    n = x.shape[0]
    pad = F.pad(x, (3, 3, 3, 3))
    s = x.shape[-1]
    ox = torch.randint(0, 7, (n,), generator=g)
    oy = torch.randint(0, 7, (n,), generator=g)
    out = torch.stack([pad[i, :, oy[i]:oy[i] + s, ox[i]:ox[i] + s] for i in range(n)])
    f = flip & (torch.rand(n, generator=g) < 0.5)
    out[f] = out[f].flip(-1)
    return out


def run_epochs(model, x, y, flip, epochs, lr, batch, seed, start_epoch=0, state=None, on_epoch=None):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    steps_per = math.ceil(len(x) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 0.5 * (1 + math.cos(math.pi * min(t / (epochs * steps_per), 1))))
    if state is not None:
        opt.load_state_dict(state['opt'])
        sched.load_state_dict(state['sched'])
        g.set_state(state['rng'])
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y)
    ft = torch.from_numpy(flip)
    for ep in range(start_epoch, epochs):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        tot = 0.0
        for b in range(steps_per):
            ids = perm[b * batch:(b + 1) * batch]
            if len(ids) < 2:
                continue
            xb = augment(xt[ids], ft[ids], g)
            logits, _ = model(xb)
            loss = F.cross_entropy(logits, yt[ids], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(ids)
        if on_epoch:
            on_epoch(ep, tot / len(x), {'opt': opt.state_dict(), 'sched': sched.state_dict(), 'rng': g.get_state()})


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    correct = 0
    for b in range(0, len(x), 256):
        logits, _ = model(torch.from_numpy(x[b:b + 256]))
        correct += (logits.argmax(1).numpy() == y[b:b + 256]).sum()
    return float(correct) / max(1, len(x))


class Export(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)


def export(model, mid, meta, size):
    model.eval()
    path = os.path.join(OUT, f'{mid}.onnx')
    tmp = path + '.tmp'
    torch.onnx.export(Export(model), torch.zeros(1, 3, size, size), tmp, input_names=['input'],
                      output_names=['logits', 'features'], opset_version=13,
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}, 'features': {0: 'batch'}},
                      do_constant_folding=True)
    data = open(tmp, 'rb').read()
    os.replace(tmp, path)
    meta.update({'file': f'{mid}.onnx', 'sha256': hashlib.sha256(data).hexdigest(), 'bytes': len(data)})
    with open(os.path.join(OUT, f'{mid}.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    os.makedirs(os.path.join(CACHE, 'ckpt'), exist_ok=True)
    torch.save(model.state_dict(), os.path.join(CACHE, 'ckpt', f'{mid}.pt'))


def pool_data(idx):
    xs, ys, fs, offsets, names = [], [], [], {}, []
    off = 0
    for name in idx['pool']:
        x, y, fl = part(idx, name, 'zoo')
        xs.append(x)
        ys.append(y + off)
        fs.append(fl)
        offsets[name] = off
        names += [f'{name}/{c}' for c in idx['datasets'][name]['classes']]
        off += len(idx['datasets'][name]['classes'])
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(fs), offsets, names


def pool_eval(idx, offsets):
    xs, ys = [], []
    for name in idx['pool']:
        x, y, _ = part(idx, name, 'target')
        xs.append(x)
        ys.append(y + offsets[name])
    return np.concatenate(xs), np.concatenate(ys)


def family_seed(family):
    return SEED * 1000 + sorted(FAMILIES).index(family)


def pretrained(idx, family):
    """The family's pool model, trained or resumed from .cache/zoo/ckpt."""
    os.makedirs(os.path.join(CACHE, 'ckpt'), exist_ok=True)
    ck = os.path.join(CACHE, 'ckpt', f'{family}-pool.pt')
    x, y, fl, offsets, names = pool_data(idx)
    torch.manual_seed(family_seed(family))
    model = FAMILIES[family](len(names))
    r = RECIPE['pretrain']
    start, state = 0, None
    if os.path.exists(ck):
        c = torch.load(ck)
        model.load_state_dict(c['model'])
        start, state = c['epoch'] + 1, c['state']
    if start < r['epochs']:
        t0 = time.time()

        def save(ep, loss, st):
            torch.save({'model': model.state_dict(), 'epoch': ep, 'state': st}, ck + '.tmp')
            os.replace(ck + '.tmp', ck)
            print(f'  {family}-pool epoch {ep + 1}/{r["epochs"]} loss {loss:.3f} ({time.time() - t0:.0f}s)', flush=True)

        run_epochs(model, x, y, fl, max(1, int(r['epochs'] * SCALE)), r['lr'], r['batch'], family_seed(family), start, state, save)
    return model, names, offsets, len(x)


def base_meta(family, model, source, domain, acc, classes, pool_images, ft_images):
    return {
        'id': f'{family}-{source}', 'family': family, 'params': int(sum(p.numel() for p in model.parameters())),
        'macs': int(count_macs(model)), 'featureDim': model.dim, 'logitDim': len(classes),
        'source': source, 'sourceDomain': domain, 'sourceAccuracy': round(acc, 4), 'sourceClasses': classes,
        'split': 'blind' if (family in RESERVED_FAMILIES or source in RESERVED_SOURCES) else 'train',
        'recipe': {
            'seed': SEED,
            'pretrain': {**{k: RECIPE['pretrain'][k] for k in ('epochs', 'lr', 'batch', 'optimizer')}, 'pool': None, 'images': pool_images},
            'finetune': None if ft_images is None else {**RECIPE['finetune'], 'images': ft_images},
            'augmentation': RECIPE['augmentation'], 'framework': RECIPE['framework'],
        },
    }


def done(mid):
    return os.path.exists(os.path.join(OUT, f'{mid}.onnx')) and os.path.exists(os.path.join(OUT, f'{mid}.json'))


def train(families, sources):
    idx = load_index()
    os.makedirs(OUT, exist_ok=True)
    size = idx['size']
    for family in families:
        set_family_recipe(family)
        mids = [f'{family}-pool'] + [f'{family}-{s}' for s in sources]
        if all(done(m) for m in mids):
            print(f'{family}: all done')
            continue
        t0 = time.time()
        base, names, offsets, npool = pretrained(idx, family)
        if not done(f'{family}-pool'):
            xe, ye = pool_eval(idx, offsets)
            acc = evaluate(base, xe, ye)
            meta = base_meta(family, base, 'pool', 'mixed', acc, names, npool, None)
            meta['recipe']['pretrain']['pool'] = idx['pool']
            export(base, f'{family}-pool', meta, size)
            print(f'{family}-pool: source acc {acc:.3f} ({time.time() - t0:.0f}s)', flush=True)
        for s in sources:
            mid = f'{family}-{s}'
            if done(mid):
                continue
            t1 = time.time()
            d = idx['datasets'][s]
            x, y, fl = part(idx, s, 'zoo')
            xe, ye, _ = part(idx, s, 'target')
            torch.manual_seed(family_seed(family) + 1 + sorted(idx['sources']).index(s))
            model = FAMILIES[family](len(d['classes']))
            sd = {k: v for k, v in base.state_dict().items() if not k.startswith('fc.')}
            model.load_state_dict(sd, strict=False)
            r = RECIPE['finetune']
            run_epochs(model, x, y, fl, max(1, int(r['epochs'] * SCALE)), r['lr'], r['batch'], family_seed(family) + 17)
            acc = evaluate(model, xe, ye)
            meta = base_meta(family, model, s, d['domain'], acc, d['classes'], npool, len(x))
            meta['recipe']['pretrain']['pool'] = idx['pool']
            export(model, mid, meta, size)
            print(f'{mid}: source acc {acc:.3f} ({time.time() - t1:.0f}s)', flush=True)


def finetune_sample(spec_path, out_path):
    """End-to-end fine-tuning of sampled (model, task) pairs on the GT's own train/test split.

    SPEC: {pairs: [{model, task, cache, n, size, ids, labels, train, test}]}; ids index the
    task's pixel cache. Appends `model,task,accuracy` rows to OUT (resumable)."""
    spec = json.load(open(spec_path))
    have = set()
    if os.path.exists(out_path):
        for line in open(out_path).read().splitlines()[1:]:
            m, t, _ = line.split(',')
            have.add((m, t))
    else:
        open(out_path, 'w').write('model,task,accuracy\n')
    caches = {}
    for p in spec['pairs']:
        if (p['model'], p['task']) in have:
            continue
        t0 = time.time()
        if p['cache'] not in caches:
            caches[p['cache']] = np.fromfile(p['cache'], dtype=np.float32).reshape(p['n'], 3, p['size'], p['size'])
        x = caches[p['cache']][p['ids']]
        y = np.asarray(p['labels'], dtype=np.int64)
        tr, te = np.asarray(p['train']), np.asarray(p['test'])
        family = p['model'].split('-')[0]
        ck = torch.load(os.path.join(CACHE, 'ckpt', f'{p["model"]}.pt'))
        model = FAMILIES[family](int(y.max()) + 1)
        model.load_state_dict({k: v for k, v in ck.items() if not k.startswith('fc.')}, strict=False)
        torch.manual_seed(SEED)
        r = spec['recipe']
        run_epochs(model, x[tr], y[tr], np.full(len(tr), p.get('flip', True)), r['epochs'], r['lr'], r['batch'], SEED)
        acc = evaluate(model, x[te], y[te])
        with open(out_path, 'a') as f:
            f.write(f'{p["model"]},{p["task"]},{acc:.6f}\n')
        print(f'{p["model"]} x {p["task"]}: fine-tune acc {acc:.3f} ({time.time() - t0:.0f}s)', flush=True)


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else 'train'
    args = dict(a.split('=', 1) for a in sys.argv[2:] if a.startswith('--') and '=' in a)
    if cmd == 'train':
        idx = load_index()
        fams = args.get('--families', ','.join(['vgg', 'convmixer', 'mobilenetv2', 'resnet'])).split(',')
        srcs = args.get('--sources', ','.join(idx['sources'])).split(',')
        train(fams, srcs)
    elif cmd == 'finetune-sample':
        finetune_sample(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
