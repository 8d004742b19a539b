// Canonical benchmark dataset names. Every paper spells targets differently (Pet / pets /
// oxford_pets / Pets; CUB2011 / cub200); evidence rows keep the paper's spelling and add the
// canonical one, so that "no target's own results are seen in training" holds across papers.

/** paper spelling (lower-cased) -> canonical name */
const ALIASES: Record<string, string> = {
  aircraft: 'aircraft', 'fgvc aircraft': 'aircraft', fgvc_aircraft: 'aircraft',
  caltech101: 'caltech101', 'caltech-101': 'caltech101',
  cars: 'cars', 'stanford cars': 'cars', stanford_cars: 'cars',
  cifar10: 'cifar10', 'cifar-10': 'cifar10',
  cifar100: 'cifar100', 'cifar-100': 'cifar100',
  dtd: 'dtd', 'describable textures': 'dtd',
  pet: 'pets', pets: 'pets', oxford_pets: 'pets', 'oxford-iiit pet': 'pets', 'pets37': 'pets',
  sun397: 'sun397',
  flowers: 'flowers102', flowers102: 'flowers102', 'flowers-102': 'flowers102', 'oxford flowers-102': 'flowers102',
  food: 'food101', 'food-101': 'food101', food101: 'food101',
  voc2007: 'voc2007', 'pascal voc 2007': 'voc2007',
  cub2011: 'cub200', cub200: 'cub200', 'cub-200-2011': 'cub200',
  stl10: 'stl10', 'stl-10': 'stl10',
  vlcs: 'vlcs', aid: 'aid', pacs: 'pacs', eurosat: 'eurosat', resisc45: 'resisc45', 'resisc45 ': 'resisc45',
  svhn: 'svhn', smallnorb: 'smallnorb', nabirds: 'nabirds', nabird: 'nabirds',
  dogs: 'dogs', stanford_dogs: 'dogs', imagenet: 'imagenet', 'imagenet 1k': 'imagenet',
  dsprites: 'dsprites', utkface: 'utkface',
};

export function canonicalDataset(name: string): string {
  const k = name.trim().toLowerCase();
  return ALIASES[k] ?? k.replace(/[^a-z0-9]+/g, '_');
}

/** canonical benchmark name -> folder in ../shared/datasets holding a sample of it */
export const SAMPLE_FOLDER: Record<string, string> = {
  aid: 'aid', caltech101: 'caltech101', cars: 'cars', cifar10: 'cifar10', cifar100: 'cifar100',
  cub200: 'cub200', dtd: 'dtd', flowers102: 'flowers102', imagenet: 'imagenet_1shot', pacs: 'pacs', pets: 'pets',
};

/** the folders tokens are made for (targets and sources of the published tables that have a sample) */
export const TOKEN_DATASETS = Object.values(SAMPLE_FOLDER).sort();

/** sampling of the token job: seeded, at most maxClasses classes x perClass images */
export const TOKEN_SAMPLE = { seed: 11, perClass: 20, maxClasses: 64 };
