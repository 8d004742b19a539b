// Page glue: turn what a person gives the page (a dropped folder, a folder or file picker, a
// directory handle) into files with their relative paths. Nested folders are walked.

export interface PickedFile {
  path: string;
  size: number;
  file: File;
}

/** What a walk found: files, read errors, and every folder seen (a file picker cannot see empty folders, so it gives none). */
export interface Gathered {
  files: PickedFile[];
  errors: string[];
  folders: string[];
}

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);

async function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  // readEntries returns batches (about 100 at a time in Chromium) until an empty one
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: PickedFile[], errors: string[], folders: string[]): Promise<void> {
  const path = join(prefix, entry.name);
  if (entry.isFile) {
    try {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push({ path, size: file.size, file });
    } catch (e) {
      errors.push(`${path}: cannot be read (${(e as Error).message ?? e})`);
    }
  } else if (entry.isDirectory) {
    folders.push(path); // empty folders too: the plan reports empty class folders
    let children: FileSystemEntry[] = [];
    try {
      children = await readAllEntries(entry as FileSystemDirectoryEntry);
    } catch (e) {
      errors.push(`${path}/: folder cannot be listed (${(e as Error).message ?? e})`);
    }
    for (const c of children) await walkEntry(c, path, out, errors, folders);
  }
}

/**
 * Files of a drop. Call synchronously inside the drop handler: the DataTransfer is emptied once
 * the event returns, so the entries are taken first and walked afterwards.
 */
export function filesFromDrop(dt: DataTransfer): Promise<Gathered> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  return (async () => {
    const files: PickedFile[] = loose.map((f) => ({ path: f.name, size: f.size, file: f }));
    const errors: string[] = [], folders: string[] = [];
    for (const e of entries) await walkEntry(e, '', files, errors, folders);
    return { files, errors, folders };
  })();
}

/** Files of an <input type=file> (webkitdirectory gives relative paths; plain gives names). */
export function filesFromInput(list: FileList | File[]): PickedFile[] {
  return Array.from(list).map((f) => ({ path: f.webkitRelativePath || f.name, size: f.size, file: f }));
}

type DirHandle = FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };

/** Files under a directory handle (showDirectoryPicker, or a drop's getAsFileSystemHandle). */
export async function filesFromDirectoryHandle(dir: FileSystemDirectoryHandle, prefix = dir.name): Promise<Gathered> {
  const files: PickedFile[] = [];
  const errors: string[] = [];
  const folders: string[] = [prefix];
  const walk = async (d: DirHandle, p: string) => {
    for await (const h of d.values()) {
      const path = join(p, h.name);
      try {
        if (h.kind === 'file') {
          const f = await (h as FileSystemFileHandle).getFile();
          files.push({ path, size: f.size, file: f });
        } else {
          folders.push(path);
          await walk(h as DirHandle, path);
        }
      } catch (e) {
        errors.push(`${path}: cannot be read (${(e as Error).message})`);
      }
    }
  };
  await walk(dir as DirHandle, prefix);
  return { files, errors, folders };
}
