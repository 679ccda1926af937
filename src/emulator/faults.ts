/**
 * Fault injection, seeded so a failing test can be replayed.
 *
 * Grammar (also in README.md): comma-separated `key=value` items, for example
 *   "seed=7,rate=0.3"  or  "seed=1,429=0.1,500=0.05,503=0.05,drop=0.02,latency=50~20,lag=200,routes=/v1/files*|/v1/vector_stores*"
 *
 *   seed=N            PRNG seed (default 1)
 *   rate=P            total fault probability, spread evenly over 429, 429-bare, 500, 503 and drop
 *   429=P             429 rate_limit_exceeded with `retry-after` (and `retry-after-ms`)
 *   429-bare=P        429 without any retry header (the API sometimes answers so)
 *   500=P  503=P      server errors in the API's error shape
 *   drop=P            the connection is destroyed without an answer
 *   drop-after=P      the request is handled (its writes are durable), then the connection is destroyed
 *                     without an answer: the server acted, the client never heard
 *   500-after=P       the request is handled (its writes are durable), then answered 500
 *   index-fail=P      a file attached to a vector store ends `failed` (last_error server_error) instead
 *                     of `completed` when its indexing time comes
 *   retry-after=S     seconds advertised by 429 (default 1; fractions allowed: `retry-after-ms` carries them, `retry-after` rounds up)
 *   latency=MS[~J]    added delay per request, uniformly MS ± J milliseconds
 *   lag=MS            read-after-write lag: an object created less than MS ago answers 404 when read by id
 *   routes=GLOB|GLOB  only requests whose path matches (`*` matches any run of characters) get faults and latency
 * Probabilities are 0..1. A rate applies per request: one draw decides the fault (before or after
 * the handler); index-fail draws once per attached file, from a stream of its own.
 */
export interface FaultSpec {
  seed: number;
  p429: number;
  p429bare: number;
  p500: number;
  p503: number;
  pdrop: number;
  pdropAfter: number;
  p500After: number;
  pindexFail: number;
  retryAfterSec: number;
  latencyMs: number;
  jitterMs: number;
  lagMs: number;
  routes: string[];
}

export type FaultKind = '429' | '429-bare' | '500' | '503' | 'drop' | 'drop-after' | '500-after' | 'lag';

export function emptyFaultSpec(): FaultSpec {
  return { seed: 1, p429: 0, p429bare: 0, p500: 0, p503: 0, pdrop: 0, pdropAfter: 0, p500After: 0, pindexFail: 0, retryAfterSec: 1, latencyMs: 0, jitterMs: 0, lagMs: 0, routes: [] };
}

const KEYS = ['seed', 'rate', '429', '429-bare', '500', '503', 'drop', 'drop-after', '500-after', 'index-fail', 'retry-after', 'latency', 'lag', 'routes'];

function prob(key: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error(`faults: ${key}=${value}: expected a probability between 0 and 1 (for example ${key}=0.1)`);
  }
  return n;
}

function nonNeg(key: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`faults: ${key}=${value}: expected a number >= 0`);
  return n;
}

export function parseFaultSpec(spec: string): FaultSpec {
  const out = emptyFaultSpec();
  const text = spec.trim();
  if (text === '' || text === 'none') return out;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`faults: "${item}" is not key=value; keys are ${KEYS.join(', ')} (example: "seed=1,rate=0.3,latency=50~10")`);
    const key = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    switch (key) {
      case 'seed': {
        const n = Number(value);
        if (!Number.isInteger(n)) throw new Error(`faults: seed=${value}: expected an integer`);
        out.seed = n;
        break;
      }
      case 'rate': {
        const p = prob(key, value) / 5;
        out.p429 = out.p429bare = out.p500 = out.p503 = out.pdrop = p;
        break;
      }
      case '429':
        out.p429 = prob(key, value);
        break;
      case '429-bare':
      case '429bare':
      case '429-no-retry':
        out.p429bare = prob(key, value);
        break;
      case '500':
        out.p500 = prob(key, value);
        break;
      case '503':
        out.p503 = prob(key, value);
        break;
      case 'drop':
        out.pdrop = prob(key, value);
        break;
      case 'drop-after':
        out.pdropAfter = prob(key, value);
        break;
      case '500-after':
        out.p500After = prob(key, value);
        break;
      case 'index-fail':
        out.pindexFail = prob(key, value);
        break;
      case 'retry-after':
        out.retryAfterSec = nonNeg(key, value);
        break;
      case 'latency': {
        const m = /^(\d+(?:\.\d+)?)(?:~(\d+(?:\.\d+)?))?$/.exec(value);
        if (!m) throw new Error(`faults: latency=${value}: expected MS or MS~JITTER in milliseconds (for example latency=50~10)`);
        out.latencyMs = Number(m[1]);
        out.jitterMs = Number(m[2] ?? 0);
        break;
      }
      case 'lag':
        out.lagMs = nonNeg(key, value);
        break;
      case 'routes':
        out.routes = value.split('|').map((r) => r.trim()).filter(Boolean);
        if (!out.routes.length) throw new Error('faults: routes= needs at least one path pattern, for example routes=/v1/files*');
        break;
      default:
        throw new Error(`faults: unknown key "${key}"; keys are ${KEYS.join(', ')}`);
    }
  }
  const total = out.p429 + out.p429bare + out.p500 + out.p503 + out.pdrop + out.pdropAfter + out.p500After;
  if (total > 1 + 1e-9) throw new Error(`faults: the fault probabilities add up to ${total.toFixed(3)}, more than 1`);
  return out;
}

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`);
}

export interface FaultDecision {
  delayMs: number;
  fault?: Exclude<FaultKind, 'lag'>;
}

export class FaultInjector {
  private spec: FaultSpec;
  private rand: () => number;
  private indexRand: () => number;
  private patterns: RegExp[];
  /** id -> creation time (ms), for read-after-write lag. */
  private created = new Map<string, number>();

  constructor(spec?: FaultSpec) {
    this.spec = spec ?? emptyFaultSpec();
    this.rand = prng(this.spec.seed);
    this.indexRand = prng(this.spec.seed ^ 0x5f3759df);
    this.patterns = this.spec.routes.map(globToRegExp);
  }

  get current(): FaultSpec {
    return this.spec;
  }

  set(spec: FaultSpec | undefined): void {
    this.spec = spec ?? emptyFaultSpec();
    this.rand = prng(this.spec.seed);
    this.indexRand = prng(this.spec.seed ^ 0x5f3759df);
    this.patterns = this.spec.routes.map(globToRegExp);
  }

  /** Files attached while index-fail was on, and how many of them were made to fail (for tests' figures). */
  readonly indexCounts = { attached: 0, failed: 0 };

  /** Whether a file attached to a vector store now fails its indexing (index-fail). */
  indexingFails(): boolean {
    if (this.spec.pindexFail <= 0) return false;
    this.indexCounts.attached++;
    const fails = this.indexRand() < this.spec.pindexFail;
    if (fails) this.indexCounts.failed++;
    return fails;
  }

  private applies(path: string): boolean {
    return this.patterns.length === 0 || this.patterns.some((r) => r.test(path));
  }

  decide(path: string): FaultDecision {
    const s = this.spec;
    if (!this.applies(path)) return { delayMs: 0 };
    let delayMs = 0;
    if (s.latencyMs > 0 || s.jitterMs > 0) delayMs = Math.max(0, s.latencyMs + (this.rand() * 2 - 1) * s.jitterMs);
    const total = s.p429 + s.p429bare + s.p500 + s.p503 + s.pdrop + s.pdropAfter + s.p500After;
    if (total <= 0) return { delayMs };
    let r = this.rand();
    const pick: [number, Exclude<FaultKind, 'lag'>][] = [
      [s.p429, '429'],
      [s.p429bare, '429-bare'],
      [s.p500, '500'],
      [s.p503, '503'],
      [s.pdrop, 'drop'],
      [s.pdropAfter, 'drop-after'],
      [s.p500After, '500-after'],
    ];
    for (const [p, kind] of pick) {
      if (r < p) return { delayMs, fault: kind };
      r -= p;
    }
    return { delayMs };
  }

  noteCreated(id: string): void {
    if (this.spec.lagMs > 0) this.created.set(id, Date.now());
  }

  /** Whether a read of this path (GET by id) should still miss the just-created object. */
  lagging(path: string): boolean {
    if (this.spec.lagMs <= 0 || this.created.size === 0 || !this.applies(path)) return false;
    const now = Date.now();
    for (const part of path.split('/')) {
      const t = this.created.get(part);
      if (t === undefined) continue;
      if (now - t < this.spec.lagMs) return true;
      this.created.delete(part);
    }
    return false;
  }
}
