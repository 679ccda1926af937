/**
 * Strings for the `pattern` of a JSON schema: the pattern as a RegExp (with the unicode flag where
 * it compiles), and a sample string built from it (first alternatives, minimum repetitions plus an
 * extra, lookarounds dropped), which the caller checks against the pattern itself.
 */
export function patternRegExp(source: string): RegExp | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(source, flags);
    } catch {
      // try without the unicode flag
    }
  }
  return undefined;
}

const POOL = [...'abcxyzABCXYZ0123456789_-. @:/+#'];

/** One character matching a regex atom (`[a-z]`, `\d`, `.`, `\p{L}`), tried from a small pool. */
function charFor(atom: string, variant: number): string | undefined {
  const re = patternRegExp(`^${atom}$`);
  if (!re) return undefined;
  const ok = POOL.filter((c) => re.test(c));
  return ok.length ? ok[variant % ok.length] : undefined;
}

/**
 * A string for a regex pattern: the first alternative of each choice, quantified parts repeated
 * their minimum (plus `extra` when unbounded), lookarounds dropped. Anchors are implicit; the
 * caller checks the result against the pattern itself.
 */
export function patternSample(source: string, extra: number, variant: number): string | undefined {
  let i = 0;
  const seq = (): string | undefined => {
    let out = '';
    while (i < source.length && source[i] !== ')' && source[i] !== '|') {
      let piece: string | undefined;
      const ch = source[i]!;
      if (ch === '^' || ch === '$') {
        i++;
        continue;
      }
      if (ch === '(') {
        i++;
        let look = false;
        if (source[i] === '?') {
          look = source[i + 1] === '=' || source[i + 1] === '!' || (source[i + 1] === '<' && (source[i + 2] === '=' || source[i + 2] === '!'));
          if (source[i + 1] === '<' && !look) i = source.indexOf('>', i) + 1;
          else i += look ? (source[i + 1] === '<' ? 3 : 2) : 2;
        }
        const inner = alt();
        i++; // ')'
        piece = look ? '' : inner;
      } else if (ch === '[') {
        let j = i + 1;
        if (source[j] === '^') j++;
        if (source[j] === ']') j++;
        while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
        piece = charFor(source.slice(i, j + 1), variant);
        i = j + 1;
      } else if (ch === '\\') {
        const atom = source.slice(i, source[i + 1] === 'p' || source[i + 1] === 'P' ? source.indexOf('}', i) + 1 : i + 2);
        piece = /^\\[bB]$/.test(atom) ? '' : charFor(atom, variant);
        i += atom.length;
      } else {
        piece = ch === '.' ? 'a' : ch;
        i++;
      }
      if (piece === undefined) return undefined;
      const q = /^(?:\{(\d+)(,(\d*))?\}|[*+?])\??/.exec(source.slice(i));
      let times = 1;
      if (q) {
        i += q[0].length;
        if (q[0][0] === '*') times = extra;
        else if (q[0][0] === '+') times = 1 + extra;
        else if (q[0][0] === '?') times = extra > 0 ? 1 : 0;
        else {
          const lo = Number(q[1]);
          const hi = q[2] === undefined ? lo : q[3] ? Number(q[3]) : Infinity;
          times = Math.min(lo + extra, hi);
        }
      }
      out += piece.repeat(times);
    }
    return out;
  };
  const alt = (): string | undefined => {
    const first = seq();
    while (source[i] === '|') {
      i++;
      seq();
    }
    return first;
  };
  try {
    return alt();
  } catch {
    return undefined;
  }
}
