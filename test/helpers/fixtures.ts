// Browser-test helpers: fetch real files from ../shared (served at /__shared/ by the test server).
export const SHARED_FS = '../shared'; // as seen from the repo root, for server commands (drops, Node)

export async function sharedFile(rel: string, type = ''): Promise<File> {
  const r = await fetch('/__shared/' + rel.split('/').map(encodeURIComponent).join('/'));
  if (!r.ok) throw new Error(`fixture ${rel}: HTTP ${r.status}`);
  const b = await r.blob();
  return new File([b], rel.split('/').pop()!, { type });
}

/** The class/file listing of a dataset (files.csv of ../shared/datasets/<name>). */
export async function datasetFiles(name: string): Promise<{ file: string; cls: string }[]> {
  const r = await fetch(`/__shared/datasets/${name}/files.csv`);
  const lines = (await r.text()).trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file, cls] = l.split(',');
    return { file, cls };
  });
}
