/**
 * The OpenAPI document served at /api/docs-json, built without a server: the app is initialised
 * on a throw-away data directory with the repo's trial file, and never listens on a port.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, createApp } from '../src/app.factory';
import { DEFAULT_TRIAL_CONFIG, loadAppConfig } from '../src/config/app-config';
import { TrialDefinition } from '../src/config/trial-definition';
import { TRIAL_DEFINITION } from '../src/runtime';

export const REPO_ROOT = join(__dirname, '..');

/** The served document of an app that is already initialised. */
export function documentOf(app: INestApplication): OpenAPIObject {
  return buildOpenApiDocument(app, app.get<TrialDefinition>(TRIAL_DEFINITION));
}

/** Builds the app on a temporary data directory, takes its document, and removes everything. */
export async function buildDocumentWithoutServer(): Promise<OpenAPIObject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trial-openapi-'));
  try {
    // Throw-away secrets: the document never depends on them, and nothing outlives this call.
    const app = await createApp(
      loadAppConfig({
        NODE_ENV: 'development',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        TRIAL_CONFIG: join(REPO_ROOT, DEFAULT_TRIAL_CONFIG),
        BLINDING_KEY: randomBytes(32).toString('base64'),
        JWT_SECRET: randomBytes(32).toString('hex'),
        BOOTSTRAP_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
      }),
    );
    try {
      return documentOf(app);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
