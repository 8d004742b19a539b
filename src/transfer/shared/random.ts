// moved to src/shared/random.ts (used by every stage)
export * from '../../shared/random.ts';
