import { FIRST_PAGE_LIMIT_BYTES, firstPageWeight } from '../../src/web-interface/page-weight';
import { WEB_ROOT } from '../../src/web-interface/web-interface';
import { webBuilt } from '../support/browser';

// Sizes, not times: the same on any machine. `npm test` builds the interface first (pretest).
(webBuilt ? describe : describe.skip)('web interface: first page weight', () => {
  it('is at most 300 kB gzipped, with every file it references counted', () => {
    const weight = firstPageWeight(WEB_ROOT);
    expect(weight.files.some((file) => file.path.endsWith('.js'))).toBe(true);
    expect(weight.files.some((file) => file.path.endsWith('.css'))).toBe(true);
    expect(weight.gzipBytes).toBeLessThanOrEqual(FIRST_PAGE_LIMIT_BYTES);
  });

  it('references nothing from another origin', () => {
    for (const file of firstPageWeight(WEB_ROOT).files) expect(file.path).toMatch(/^\/[^/]/);
  });
});
