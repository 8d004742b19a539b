"""Reference values for CLIP's image preprocessing, computed the way Hugging Face's CLIPImageProcessor
does it: PIL resize of the shortest edge (BICUBIC), centre crop with floor offsets, /255, CLIP mean/std.
Writes src/encode/shared/clip-preprocess-reference.json (run with Debian's python3-pil):
    /usr/bin/python3 tools/reference/clip_preprocess_reference.py
Small sizes stand in for 224 so the file stays small; the arithmetic is the same at any size."""
import json
from PIL import Image

MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


def image(w, h):
    # deterministic texture with sharp edges, so bicubic overshoot (and its clipping) is exercised
    px = []
    for y in range(h):
        for x in range(w):
            px.append(((x * 37 + y * 11) % 256, 255 if (x // 3 + y // 2) % 2 else 0, (x * y * 7) % 256, 255))
    return px


def hf(px, w, h, short, crop):
    im = Image.new('RGBA', (w, h))
    im.putdata([tuple(p) for p in px])
    im = im.convert('RGB')
    if w <= h:
        nw, nh = short, int(short * h / w)
    else:
        nw, nh = int(short * w / h), short
    im = im.resize((nw, nh), resample=Image.BICUBIC)
    top, left = (nh - crop) // 2, (nw - crop) // 2
    im = im.crop((left, top, left + crop, top + crop))
    data = list(im.getdata())
    out = [[], [], []]
    for c in range(3):
        out[c] = [round((p[c] / 255 - MEAN[c]) / STD[c], 6) for p in data]
    return out[0] + out[1] + out[2]


cases = []
for (w, h, short, crop) in [(37, 29, 16, 12), (29, 41, 15, 13), (9, 7, 16, 14)]:
    px = image(w, h)
    cases.append({'width': w, 'height': h, 'resize': short, 'crop': crop,
                  'rgba': [v for p in px for v in p], 'expected': hf(px, w, h, short, crop)})
json.dump({'source': 'tools/reference/clip_preprocess_reference.py (PIL %s)' % Image.__version__ if hasattr(Image, '__version__') else 'PIL',
           'mean': MEAN, 'std': STD, 'cases': cases}, open('src/encode/shared/clip-preprocess-reference.json', 'w'))
print('wrote', len(cases), 'cases')
