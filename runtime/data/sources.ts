// Where text comes from: a plain file, a gzip file, or one entry of a zip archive. Each opens as a
// stream of decompressed bytes, with a counter of the bytes read from disk for progress reports.
import { createReadStream, statSync } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { DataError, describeReadError } from './errors.js';

export interface OpenedText {
  stream: Readable;
  /** Compressed bytes read so far (what progress is measured in). */
  bytesRead(): number;
}

export interface TextSource {
  /** Name used in messages: the path, or `archive.zip!entry.csv`. */
  readonly name: string;
  /** Bytes on disk (for a zip entry: its compressed size). */
  readonly size: number;
  open(): Promise<OpenedText>;
}

export function plainFile(path: string): TextSource {
  return {
    name: path,
    size: statSync(path).size,
    open: async () => {
      const file = createReadStream(path, { highWaterMark: 1 << 16 });
      return { stream: quiet(file), bytesRead: () => file.bytesRead };
    },
  };
}

export function gzipFile(path: string): TextSource {
  return {
    name: path,
    size: statSync(path).size,
    open: async () => {
      const file = createReadStream(path, { highWaterMark: 1 << 16 });
      const gunzip = zlib.createGunzip({ chunkSize: 1 << 16 });
      // pipe() does not forward read errors; the consumer iterates the gunzip side only.
      file.on('error', (err) => gunzip.destroy(err));
      file.pipe(gunzip);
      return { stream: quiet(gunzip), bytesRead: () => file.bytesRead };
    },
  };
}

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
}

/** Entries of a zip (directories left out). A damaged archive is a DataError naming the file. */
export async function listZip(path: string): Promise<ZipEntryInfo[]> {
  const zip = await openZip(path);
  const entries: ZipEntryInfo[] = [];
  try {
    for await (const e of zip.eachEntry()) {
      if (!e.fileName.endsWith('/')) entries.push({ name: e.fileName, size: e.uncompressedSize, compressedSize: e.compressedSize });
    }
  } catch (err) {
    throw new DataError(`${path}: damaged zip archive (${describeReadError(err)})`);
  } finally {
    zip.close();
  }
  return entries;
}

/** One entry of a zip, streamed and inflated; its CRC-32 is checked at the end (yauzl does not). */
export function zipEntry(path: string, entry: ZipEntryInfo): TextSource {
  const name = `${path}!${entry.name}`;
  return {
    name,
    size: entry.compressedSize,
    open: async () => {
      const zip = await openZip(path);
      try {
        for await (const e of zip.eachEntry()) {
          if (e.fileName !== entry.name) continue;
          const raw = await zip.openReadStreamPromise(e);
          const checked = crcCheck(e.crc32, name);
          raw.on('error', (err) => checked.destroy(err));
          raw.pipe(checked);
          return { stream: quiet(checked), bytesRead: () => Math.round((checked.bytes * e.compressedSize) / Math.max(1, e.uncompressedSize)) };
        }
      } catch (err) {
        throw new DataError(`${path}: damaged zip archive (${describeReadError(err)})`);
      } finally {
        // Closes the file once the open read stream ends (yauzl defers it).
        zip.close();
      }
      throw new DataError(`${path}: no entry ${entry.name}`);
    },
  };
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(path, { autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (err) {
    throw new DataError(`${path}: not a readable zip archive (${describeReadError(err)}); truncated or damaged?`);
  }
}

/**
 * A stream can fail before its reader starts iterating (a damaged entry inflates and errors while
 * the partner file is still opening); with no listener that would be an uncaught exception. The
 * error stays recorded on the destroyed stream, and the reader's iterator raises it when it starts.
 */
function quiet<T extends Readable>(stream: T): T {
  stream.on('error', () => undefined);
  return stream;
}

/** Passes bytes through, counting them and checking their CRC-32 at the end. */
function crcCheck(expected: number, name: string): Transform & { bytes: number } {
  let crc = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      crc = zlib.crc32(chunk, crc);
      counted.bytes += chunk.length;
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      done(crc >>> 0 === expected >>> 0 ? null : new DataError(`${name}: CRC-32 mismatch: the archive is damaged`));
    },
  });
  const counted = Object.assign(t, { bytes: 0 });
  return counted;
}
