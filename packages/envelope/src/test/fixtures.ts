import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo's one fixtures folder: real envelopes captured from SDKs, shared by unit and e2e tests. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));

export interface Fixture {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Every `*.envelope` file, named `<sdk folder>/<file>`. */
export function envelopeFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of readdirSync(FIXTURES_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURES_DIR, dir.name)).sort()) {
      if (!file.endsWith('.envelope')) continue;
      out.push({ name: `${dir.name}/${file}`, bytes: new Uint8Array(readFileSync(join(FIXTURES_DIR, dir.name, file))) });
    }
  }
  return out;
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));
}
