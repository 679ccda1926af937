/**
 * This process as a lease names it (src/targets/lease.ts): a random token, its pid and host, and a
 * machine id equal only where a pid means the same process (same host, boot and pid namespace), so
 * a waiter can tell at once that a holder of its own machine has died.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname, uptime } from 'node:os';

export interface Holder {
  token: string;
  pid: number;
  host: string;
  machine: string;
}

/**
 * This process, as a lease names it; `machine` is equal only where a pid means the same process.
 * ASSISTANTS_DEPLOY_LEASE_HOST (for tests) names the machine instead: a process with another name
 * counts as running elsewhere, so it cannot tell whether a lease's holder is still alive.
 */
export function thisHolder(env: NodeJS.ProcessEnv = process.env): Holder {
  const named = env.ASSISTANTS_DEPLOY_LEASE_HOST?.trim();
  if (named) {
    const machine = createHash('sha256').update(`named|${named}`).digest('hex').slice(0, 16);
    return { token: randomUUID(), pid: process.pid, host: named.slice(0, 200), machine };
  }
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    boot = `boot-minute-${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
  }
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    ns = '';
  }
  const machine = createHash('sha256').update(`${hostname()}|${boot}|${ns}`).digest('hex').slice(0, 16);
  return { token: randomUUID(), pid: process.pid, host: hostname().slice(0, 200), machine };
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
