import { Foundation1764000000000 } from './1764000000000-foundation';

/** Every migration, in order. A new one is added here, never edited once released. */
export const MIGRATIONS = [Foundation1764000000000];
