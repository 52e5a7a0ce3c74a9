/**
 * Partial responses (`fields=nextPageToken,files(id,name,trashed)`): Drive
 * returns only what was asked for, so a connector that forgets a field in its
 * mask sees it missing here too, as it would against the real service.
 */
export type FieldMask = Map<string, FieldMask | true>;

export function parseFieldMask(raw: string): FieldMask {
  const spec = raw.replace(/\s+/g, '');
  let pos = 0;
  const parseList = (): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      const path: string[] = [readName()];
      while (spec[pos] === '/') {
        pos++;
        path.push(readName());
      }
      let leaf: FieldMask | true = true;
      if (spec[pos] === '(') {
        pos++;
        leaf = parseList();
        if (spec[pos++] !== ')') throw new Error(`Invalid field selection ${spec}`);
      }
      setPath(mask, path, leaf);
      if (spec[pos] !== ',') return mask;
      pos++;
    }
  };
  const readName = (): string => {
    const match = /^(\*|[A-Za-z0-9_]+)/.exec(spec.slice(pos));
    if (!match?.[1]) throw new Error(`Invalid field selection ${spec}`);
    pos += match[1].length;
    return match[1];
  };
  const mask = parseList();
  if (pos !== spec.length) throw new Error(`Invalid field selection ${spec}`);
  return mask;
}

function setPath(mask: FieldMask, path: string[], leaf: FieldMask | true): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    mask.set(head, leaf);
    return;
  }
  const existing = mask.get(head);
  const child: FieldMask = existing instanceof Map ? existing : new Map();
  mask.set(head, child);
  setPath(child, rest, leaf);
}

export function project(value: unknown, mask: FieldMask | true): unknown {
  if (mask === true || mask.has('*')) return value;
  if (Array.isArray(value)) return value.map((item) => project(item, mask));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of mask) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) out[key] = project(field, sub);
  }
  return out;
}
