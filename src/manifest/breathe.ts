/**
 * A turn of the event loop, for the long loops of loading a big manifest (tens of thousands of
 * files stat'ed, looked up in the hash cache, checked): plan, apply and destroy read the account
 * on the same thread meanwhile, and a page that arrives while a loop runs waits for it, and with it
 * the next page of its chain. `setImmediate` lets the answers that came in be handled first; a
 * microtask (`await` of a settled promise) would not.
 */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Every this many items, a long loop breathes (a few milliseconds of work at most). */
export const BREATHE_EVERY = 2048;
