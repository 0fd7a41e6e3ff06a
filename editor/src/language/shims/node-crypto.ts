// Browser stand-in for `node:crypto`, aliased in editor/vite.config.ts, so that compiler/hash.ts runs
// unchanged in the compile worker and gives the server's plan hash. Only what hash.ts uses.
import { sha256 } from './sha256.js';

class Sha256 {
  private readonly chunks: Uint8Array[] = [];

  update(data: string | Uint8Array): this {
    this.chunks.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }

  digest(encoding: 'hex'): string {
    if (encoding !== 'hex') throw new Error(`digest encoding ${String(encoding)} is not supported in the browser`);
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    return [...sha256(all)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
}

export function createHash(algorithm: string): Sha256 {
  if (algorithm !== 'sha256') throw new Error(`hash ${algorithm} is not available in the browser`);
  return new Sha256();
}
