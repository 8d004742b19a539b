// Small display helpers.
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 1) return '<1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 90 ? `${m} min ${Math.round(seconds - 60 * m)} s` : `${(m / 60).toFixed(1)} h`;
}

export const REASON_LABELS: Record<string, string> = {
  'not-image': 'not an image',
  hidden: 'hidden or system file',
  empty: 'empty (zero bytes)',
  'too-large': 'too large',
  'too-small': 'too small',
  corrupt: 'corrupt or undecodable',
  unreadable: 'could not be read',
  'outside-class': 'outside any class folder',
  'class-too-small': 'class with too few images',
  duplicate: 'exact duplicate (counted once)',
  'label-conflict': 'same image under two classes',
  'empty-folder': 'empty folder (not a class)',
  'no-images': 'folder without images (not a class)',
};
