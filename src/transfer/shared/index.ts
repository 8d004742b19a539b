// Transferability scores from one forward pass: pure functions, float64, same code in Node and
// in the page's worker.
export * from './linalg.ts';
export * from './random.ts';
export * from './logme.ts';
export * from './leep.ts';
export * from './nce.ts';
export * from './hscore.ts';
export * from './gbc.ts';
export * from './gmm.ts';
export * from './scores.ts';
