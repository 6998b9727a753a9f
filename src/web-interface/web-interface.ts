import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Where `npm run build` writes the interface (vite, web/vite.config.ts). Resolved from this file,
 * so the same path holds when the server runs from dist/ (npm start) and from src/ (the tests).
 */
export const WEB_ROOT = resolve(__dirname, '..', '..', 'dist', 'web');

/**
 * The interface's Content Security Policy (SPEC section 11): scripts, styles, fonts, images and
 * API calls from this origin only, no inline script, no plug-in, no framing by another page.
 * Inline styles are allowed for the printed preparation sheet, which the API serves as one
 * self-contained page and the interface prints from a frame; a style cannot run code.
 */
export const WEB_CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    frameSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

const API_PATH = /^\/api(\/|$)/;

/**
 * Serves the built interface at `/`: its files under /assets (named by their content, so they can
 * be cached for good), and index.html for every other GET outside /api, so that a reload on any
 * screen's address works. The API keeps its own 404 for unknown /api paths.
 */
export function serveWebInterface(app: NestExpressApplication, root = WEB_ROOT): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    app.use(notBuilt);
    return;
  }
  const page = readFileSync(index);
  app.useStaticAssets(join(root, 'assets'), {
    prefix: '/assets/',
    etag: false,
    lastModified: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    fallthrough: false,
  });
  app.useStaticAssets(root, { etag: false, lastModified: false, index: false });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || API_PATH.test(request.path)) {
      next();
      return;
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(page);
  });
}

function notBuilt(request: Request, response: Response, next: NextFunction): void {
  if (request.method !== 'GET' || API_PATH.test(request.path)) {
    next();
    return;
  }
  response
    .status(404)
    .type('text')
    .send('The web interface is not built: run `npm run build`, then start the server again.');
}
