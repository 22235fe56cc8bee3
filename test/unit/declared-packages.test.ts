import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/harness';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
  'dependencies' | 'devDependencies' | 'optionalDependencies',
  Record<string, string>
>;
/** Folders only developers run: they may import devDependencies too. */
const DEV_ONLY = /^(test|dev|bench)\/|^[^/]+\.(mjs|mts)$/;
const SKIP = new Set(['node_modules', 'dist', 'out', '.git', 'coverage']);

function sourceFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The packages a file imports: `from '…'`, `import('…')`, `require('…')`, `require.resolve('…')`. */
function importedPackages(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require(?:\.resolve)?\s*\(\s*)'([^'.][^']*)'/g)];
  return specifiers
    .map((m) => m[1]!)
    .filter((s) => !s.startsWith('node:') && !builtinModules.includes(s.split('/')[0]!))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('every imported package is declared, at a pinned version', () => {
  it('product code imports dependencies only; the dev kit, tests and benchmark dependencies or devDependencies', () => {
    const undeclared: string[] = [];
    // This file's own examples are not imports.
    for (const file of sourceFiles().filter((f) => f !== __filename)) {
      const at = relative(ROOT, file);
      const allowed = {
        ...pkg.dependencies,
        ...pkg.optionalDependencies,
        ...(DEV_ONLY.test(at) ? pkg.devDependencies : {}),
      };
      for (const name of importedPackages(readFileSync(file, 'utf8')))
        if (!(name in allowed)) undeclared.push(`${at}: ${name}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('pins every version: a fresh install gets what the tests ran on', () => {
    const ranges = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies })
      .filter(([, version]) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version))
      .map(([name, version]) => `${name}@${version}`);
    expect(ranges).toEqual([]);
  });

  it('sees an undeclared import (the check is not blind)', () => {
    expect(importedPackages("import { x } from '@temporalio/proto';\nconst y = require('left-pad/x');")).toEqual([
      '@temporalio/proto',
      'left-pad',
    ]);
  });
});
