import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildDocumentWithoutServer, REPO_ROOT } from '../scripts/openapi-document';
import { startTestApp, TestApp } from './support/test-app';

const API_TYPES_FILE = join(REPO_ROOT, 'web', 'src', 'api', 'schema.d.ts');
const API_TYPES_COMMAND = 'npm run api-types';

/** What `npm run api-types` would write, printed by the same script in a child Node process. */
async function regeneratedApiTypes(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'scripts/api-types.ts', '--stdout'],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

describe('OpenAPI document (end to end)', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http().get('/api/docs-json').expect(200)).body as OpenAPIObject;
  });
  afterAll(() => t?.close());

  describe('the web interface’s generated types', () => {
    it('are built from a document identical to the served one, with no time or random value in it', async () => {
      expect(await buildDocumentWithoutServer()).toEqual(document);
      const again = (await t.http().get('/api/docs-json').expect(200)).body as OpenAPIObject;
      expect(JSON.stringify(again)).toBe(JSON.stringify(document));
    });

    it(`are up to date: web/src/api/schema.d.ts is what \`${API_TYPES_COMMAND}\` writes`, async () => {
      const expected = await regeneratedApiTypes();
      expect(expected).toMatch(/^export interface paths \{/m);
      const committed = existsSync(API_TYPES_FILE) ? readFileSync(API_TYPES_FILE, 'utf8') : '';
      if (committed !== expected) {
        throw new Error(
          `web/src/api/schema.d.ts differs from the served OpenAPI document: run \`${API_TYPES_COMMAND}\` and commit the file`,
        );
      }
    });
  });
});
