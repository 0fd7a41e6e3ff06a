// Pull-based line reading over a byte stream, so a loader can walk one file, or two in lockstep
// (LOBSTER's message and orderbook files), in constant memory: one decoded chunk at a time.
// `take()` is synchronous for the lines already decoded; `fill()` awaits the next chunk.
import { StringDecoder } from 'node:string_decoder';
import { DataError, describeReadError } from './errors.js';

export class LineReader {
  /** 1-based number of the line last taken. */
  line = 0;
  private lines: string[] = [];
  private at = 0;
  private rest = '';
  private done = false;
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunks: AsyncIterator<Buffer | string>;

  constructor(
    stream: AsyncIterable<Buffer | string>,
    /** File name used in error messages. */
    readonly source: string,
  ) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  /** The next decoded line without its newline (a trailing `\r` is dropped), or undefined. */
  take(): string | undefined {
    if (this.at >= this.lines.length) return undefined;
    this.line++;
    return this.lines[this.at++];
  }

  /** Decodes the next chunk; false once the stream is exhausted. May decode zero lines. */
  async fill(): Promise<boolean> {
    if (this.done) return false;
    let result: IteratorResult<Buffer | string>;
    try {
      result = await this.chunks.next();
    } catch (err) {
      this.done = true;
      if (err instanceof DataError) throw err;
      throw new DataError(`${this.source}: ${describeReadError(err)} (after line ${this.line})`);
    }
    this.at = 0;
    if (result.done) {
      this.done = true;
      const last = this.rest + this.decoder.end();
      this.rest = '';
      this.lines = last === '' ? [] : [stripCr(last)];
      return this.lines.length > 0;
    }
    const chunk = result.value;
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (p.endsWith('\r')) parts[i] = p.slice(0, -1);
    }
    this.lines = parts;
    return true;
  }

  /** The next line, awaiting more data when needed; undefined at the end. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const line = this.take();
      if (line !== undefined) return line;
      if (!(await this.fill())) return undefined;
    }
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
