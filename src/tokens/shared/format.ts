// Dataset token file: what the ranker reads about a user's data. Versioned; written once here.
// See docs/tokens.md. Tokens live in one encoder's embedding space, so they name the encoder
// (id + sha256 of its weights) and code that consumes them checks it (assertSameEncoder).

export const TOKENS_FORMAT = 'zooscout.dataset-tokens';
export const TOKENS_VERSION = 1;

export interface EncoderRef {
  id: string;
  sha256: string;
  dim: number;
}

export interface ClassToken {
  name: string;
  count: number;
  /** mean of the class's unit-norm embeddings (not renormalised) */
  centre: number[];
  /** |centre| in [0, 1]: 1 when every image of the class embeds identically */
  concentration: number;
  /** mean squared distance of the class's unit embeddings to the centre (= 1 - concentration^2) */
  spread: number;
  /** 1..K k-means centres inside the class (K = min(requested, count)), for many-token rankers */
  subCentres: number[][];
}

export interface DatasetTokens {
  format: typeof TOKENS_FORMAT;
  version: typeof TOKENS_VERSION;
  encoder: EncoderRef;
  /** false: the classes are clusters found in unlabelled images */
  labelled: boolean;
  clustering?: { k: number; chosen: 'auto' | 'user'; silhouette: number };
  seed: number;
  classes: ClassToken[];
  /** dataset-level statistics */
  stats: {
    images: number;
    /** mean cosine between distinct class centres: high = classes look alike to the encoder */
    meanCentreCosine: number;
    /** mean within-class spread */
    meanSpread: number;
  };
  createdAt: string;
  /** user-given name of the dataset, if any; never paths or file names */
  name?: string;
}

export class EncoderMismatchError extends Error {}

/** Refuses to combine tokens with anything (ranker, other tokens) made for another encoder. */
export function assertSameEncoder(tokens: Pick<DatasetTokens, 'encoder'>, expected: EncoderRef): void {
  const e = tokens.encoder;
  if (e.id !== expected.id || e.sha256 !== expected.sha256 || e.dim !== expected.dim) {
    throw new EncoderMismatchError(
      `These tokens were made by encoder "${e.id}" (${e.dim}-d, ${e.sha256.slice(0, 8)}…), ` +
        `not "${expected.id}" (${expected.dim}-d, ${expected.sha256.slice(0, 8)}…): they cannot be mixed.`,
    );
  }
}

/** Parses and checks a token file (e.g. one the user imports). */
export function parseTokens(json: unknown): DatasetTokens {
  const t = json as DatasetTokens;
  if (!t || t.format !== TOKENS_FORMAT) throw new Error('not a ZooScout dataset-token file');
  if (t.version !== TOKENS_VERSION) throw new Error(`token file version ${t.version}; this page reads version ${TOKENS_VERSION}`);
  if (!t.encoder?.id || !Array.isArray(t.classes)) throw new Error('token file is incomplete');
  for (const c of t.classes) {
    if (c.centre.length !== t.encoder.dim) throw new Error(`class "${c.name}": centre has ${c.centre.length} values, expected ${t.encoder.dim}`);
  }
  return t;
}
