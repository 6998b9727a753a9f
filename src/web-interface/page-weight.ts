import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Issue 13: the first page a browser loads weighs at most this much, gzipped. */
export const FIRST_PAGE_LIMIT_BYTES = 300 * 1024;

export interface PageWeight {
  files: { path: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
}

/**
 * What the first page costs a browser: index.html and every file it references from this origin
 * (scripts, style sheets, preloaded modules), each gzipped as a server would send it. Files the
 * page loads later (a screen split off into its own chunk) are not counted.
 */
export function firstPageWeight(root: string): PageWeight {
  const index = readFileSync(join(root, 'index.html'));
  const referenced = [...index.toString('utf8').matchAll(/(?:src|href)="(\/[^"]+)"/g)].map(
    (match) => match[1],
  );
  const files = [
    { path: '/index.html', content: index },
    ...[...new Set(referenced)].map((path) => ({ path, content: readFileSync(join(root, path)) })),
  ].map(({ path, content }) => ({
    path,
    bytes: content.length,
    gzipBytes: gzipSync(content).length,
  }));
  return { files, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}
