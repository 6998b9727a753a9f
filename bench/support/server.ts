import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { freePort, ServerProcess, startServerProcess } from '../../test/support/server-process';
import { newTempDir, testEnv } from '../../test/support/test-app';
import { nowMs, progress } from './report';

export const ROOT = join(__dirname, '..', '..');

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function killLiveChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

// A benchmark interrupted or crashed must not leave a server running or files behind.
process.once('exit', () => {
  killLiveChildren();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveChildren();
    process.exit(130);
  });
}

/** A temporary directory under os.tmpdir(), removed by `remove()` or at exit at the latest. */
export function benchTempDir(prefix: string): { path: string; remove: () => void } {
  const path = newTempDir(`trial-bench-${prefix}-`);
  tempDirs.add(path);
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      tempDirs.delete(path);
    },
  };
}

/** The environment of a benchmark server: the test environment, a fixed database path, long tokens. */
export function benchEnv(dataDir: string, overrides: Record<string, string> = {}) {
  return testEnv(dataDir, {
    DATABASE_PATH: join(dataDir, 'trial.sqlite'),
    JWT_EXPIRES_IN: '86400',
    ...overrides,
  });
}

/**
 * With BENCH_CPU_PROF=<dir>, each server writes a V8 CPU profile (the .cpuprofile of node
 * --cpu-prof, which Node 20 refuses in NODE_OPTIONS) into <dir> when it is stopped: a preloaded
 * script runs the inspector's profiler from the start and, on SIGTERM, writes it and exits.
 */
const PROFILER_PRELOAD = `
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
process.once('SIGTERM', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) {
      const name = 'server-' + process.pid + '-' + Date.now() + '.cpuprofile';
      writeFileSync(join(process.env.BENCH_CPU_PROF, name), JSON.stringify(result.profile));
    }
    process.exit(0);
  });
});
`;

function profilingEnv(): Record<string, string> {
  const profileDir = process.env.BENCH_CPU_PROF;
  if (!profileDir) return {};
  const preload = join(benchTempDir('profile').path, 'cpu-profile.js');
  writeFileSync(preload, PROFILER_PRELOAD);
  return { NODE_OPTIONS: `--require ${preload}`, BENCH_CPU_PROF: profileDir };
}

/** startServerProcess (ts-node, 127.0.0.1), with the child killed at exit whatever happens. */
export async function startBenchServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ ...env, ...profilingEnv() }, 120_000);
  live.add(server.child);
  server.child.once('exit', () => live.delete(server.child));
  return server;
}

export interface ProcMemory {
  rssKiB: number;
  hwmKiB: number;
}

/** VmRSS and VmHWM (peak RSS) of a Linux process, from /proc/<pid>/status. */
export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/**
 * Transpiles src/ to plain JavaScript in `outDir` (what `npm run build` produces, without the type
 * check), so that a start-up is timed as `npm start` runs it and not ts-node's compilation.
 */
export function transpileServer(outDir: string): void {
  const configPath = join(ROOT, 'tsconfig.build.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  const options: ts.CompilerOptions = { ...parsed.options, sourceMap: false, noEmit: false };
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const sources = walk(join(ROOT, 'src')).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  for (const file of sources) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: options,
      fileName: file,
    });
    const target = join(outDir, relative(join(ROOT, 'src'), file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${url}/api/health`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

/**
 * Starts the transpiled server (`node <outDir>/main.js`) on 127.0.0.1, polls /api/health every
 * 10 ms, and returns the milliseconds from spawn to the first 200. The server is stopped after.
 */
export async function timeStartToHealthy(
  outDir: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = nowMs();
  const child = spawn(process.execPath, [join(outDir, 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: join(ROOT, 'node_modules'),
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early: ${errors}`);
      if (await healthy(url)) return nowMs() - started;
      if (nowMs() - started > timeoutMs) throw new Error(`not healthy in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    live.delete(child);
  }
}

/** The sqlite3 command line, installed from Debian's package when it is missing. */
export function ensureSqlite3(): string {
  const which = () => spawnSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' });
  let found = which();
  if (found.status !== 0) {
    progress(
      'sqlite3 is not installed: installing the Debian package (apt-get install -y sqlite3)',
    );
    let install = spawnSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'inherit' });
    if (install.status !== 0) {
      progress('apt-get install failed: running apt-get update first, then installing again');
      spawnSync('apt-get', ['update'], { stdio: 'inherit' });
      install = spawnSync('apt-get', ['install', '-y', 'sqlite3'], { stdio: 'inherit' });
    }
    found = which();
    if (found.status !== 0) throw new Error('sqlite3 is missing and could not be installed');
  }
  return found.stdout.trim();
}

export type { ServerProcess };
