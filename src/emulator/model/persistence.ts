/**
 * Durable storage for `dataDir`: an append-only journal of whole-record puts and deletes, fsynced
 * (group commit) before any write is acknowledged, compacted into a snapshot written with
 * write + fsync + rename. File contents go to an append-only blob file that is fsynced before the
 * journal records that point into it. On load, a torn last journal line (a crash mid-write) is ignored.
 *
 *   dataDir/snapshot.jsonl   {"v":1,"seq":N} header, then one {"c","id","v"} line per live record
 *   dataDir/journal.jsonl    {"op":"put"|"del","c","id","v"?} lines since the snapshot
 *   dataDir/blobs.dat        file contents, addressed by {off, len}
 */
import fs from 'node:fs';
import path from 'node:path';

export interface BlobRef {
  off: number;
  len: number;
}

export interface JournalRecord {
  op: 'put' | 'del';
  c: string;
  id: string;
  v?: Record<string, unknown>;
}

export interface Persistence {
  /** Replay everything on disk into `apply`, in order. */
  load(apply: (rec: JournalRecord) => void): void;
  append(rec: JournalRecord): void;
  writeBlob(data: Buffer): BlobRef;
  readBlob(ref: BlobRef): Buffer;
  /** The blob is no longer referenced (memory mode frees it; the disk blob file keeps it until rewritten). */
  freeBlob(ref: BlobRef): void;
  /** Resolves once everything appended so far is on disk. */
  sync(): Promise<void>;
  /** Rewrite the snapshot from the live records and empty the journal. */
  compact(records: () => Iterable<{ c: string; id: string; v: Record<string, unknown> }>): void;
  /** Journal lines since the last snapshot. */
  readonly journalLines: number;
  close(): void;
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

export class DiskPersistence implements Persistence {
  private journalFd: number;
  private blobFd: number;
  private blobSize: number;
  private pending: string[] = [];
  private blobDirty = false;
  private waiters: (() => void)[] = [];
  private failures: ((e: unknown) => void)[] = [];
  private scheduled = false;
  private lines = 0;
  private readonly snapshotPath: string;
  private readonly journalPath: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.snapshotPath = path.join(dir, 'snapshot.jsonl');
    this.journalPath = path.join(dir, 'journal.jsonl');
    const blobPath = path.join(dir, 'blobs.dat');
    this.blobFd = fs.openSync(blobPath, 'a+');
    this.blobSize = fs.fstatSync(this.blobFd).size;
    this.journalFd = -1;
  }

  get journalLines(): number {
    return this.lines;
  }

  load(apply: (rec: JournalRecord) => void): void {
    // A leftover temporary snapshot is from a compaction that did not finish: the old files are intact.
    fs.rmSync(`${this.snapshotPath}.tmp`, { force: true });
    if (fs.existsSync(this.snapshotPath)) {
      const text = fs.readFileSync(this.snapshotPath, 'utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        const rec = JSON.parse(line) as { c?: string; id?: string; v?: Record<string, unknown> };
        if (rec.c && rec.id && rec.v) apply({ op: 'put', c: rec.c, id: rec.id, v: rec.v });
      }
    }
    let validBytes = 0;
    if (fs.existsSync(this.journalPath)) {
      const buf = fs.readFileSync(this.journalPath);
      let start = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) break; // torn last line: never acknowledged
        const line = buf.subarray(start, nl).toString('utf8');
        let rec: JournalRecord | undefined;
        try {
          rec = JSON.parse(line) as JournalRecord;
        } catch {
          rec = undefined;
        }
        if (!rec) break; // a torn write followed by nothing acknowledged
        apply(rec);
        this.lines++;
        start = nl + 1;
        validBytes = start;
      }
      if (validBytes < buf.length) fs.truncateSync(this.journalPath, validBytes);
    }
    this.journalFd = fs.openSync(this.journalPath, 'a');
  }

  append(rec: JournalRecord): void {
    this.pending.push(`${JSON.stringify(rec)}\n`);
    this.lines++;
    this.schedule();
  }

  writeBlob(data: Buffer): BlobRef {
    const off = this.blobSize;
    let written = 0;
    while (written < data.length) written += fs.writeSync(this.blobFd, data, written, data.length - written, off + written);
    this.blobSize += data.length;
    this.blobDirty = true;
    this.schedule();
    return { off, len: data.length };
  }

  readBlob(ref: BlobRef): Buffer {
    const out = Buffer.alloc(ref.len);
    let read = 0;
    while (read < ref.len) {
      const n = fs.readSync(this.blobFd, out, read, ref.len - read, ref.off + read);
      if (n === 0) break;
      read += n;
    }
    return out;
  }

  freeBlob(): void {}

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    const failures = this.failures;
    this.waiters = [];
    this.failures = [];
    try {
      if (this.blobDirty) {
        fs.fsyncSync(this.blobFd);
        this.blobDirty = false;
      }
      if (this.pending.length) {
        const data = Buffer.from(this.pending.join(''));
        this.pending = [];
        let written = 0;
        while (written < data.length) written += fs.writeSync(this.journalFd, data, written);
        fs.fsyncSync(this.journalFd);
      }
    } catch (e) {
      for (const f of failures) f(e);
      return;
    }
    for (const w of waiters) w();
  }

  sync(): Promise<void> {
    if (!this.pending.length && !this.blobDirty && !this.scheduled) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      this.failures.push(reject);
      this.schedule();
    });
  }

  compact(records: () => Iterable<{ c: string; id: string; v: Record<string, unknown> }>): void {
    // Everything buffered goes to the journal first, so the snapshot never runs ahead of it.
    this.flush();
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      let chunk: string[] = [];
      let size = 0;
      const write = () => {
        const data = Buffer.from(chunk.join(''));
        let w = 0;
        while (w < data.length) w += fs.writeSync(fd, data, w);
        chunk = [];
        size = 0;
      };
      chunk.push(`${JSON.stringify({ v: 1, at: Date.now() })}\n`);
      for (const r of records()) {
        const line = `${JSON.stringify({ c: r.c, id: r.id, v: r.v })}\n`;
        chunk.push(line);
        size += line.length;
        if (size > 1 << 20) write();
      }
      write();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.snapshotPath);
    fsyncDir(this.dir);
    // The snapshot holds everything; start an empty journal (replaying the old one on top would be harmless).
    fs.closeSync(this.journalFd);
    this.journalFd = fs.openSync(this.journalPath, 'w');
    fs.fsyncSync(this.journalFd);
    fsyncDir(this.dir);
    this.lines = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      if (this.journalFd >= 0) fs.closeSync(this.journalFd);
      fs.closeSync(this.blobFd);
      this.journalFd = -1;
    }
  }
}

/** In-memory: nothing to do, blobs kept in a map. */
export class MemoryPersistence implements Persistence {
  private blobs: Buffer[] = [];
  readonly journalLines = 0;
  load(): void {}
  append(): void {}
  writeBlob(data: Buffer): BlobRef {
    this.blobs.push(data);
    return { off: this.blobs.length - 1, len: data.length };
  }
  readBlob(ref: BlobRef): Buffer {
    return this.blobs[ref.off] ?? Buffer.alloc(0);
  }
  freeBlob(ref: BlobRef): void {
    this.blobs[ref.off] = Buffer.alloc(0);
  }
  sync(): Promise<void> {
    return Promise.resolve();
  }
  compact(): void {}
  close(): void {}
}
