/**
 * Why a value cannot be stored as JSON unchanged, or undefined when it can.
 * JSON.stringify would silently drop undefined and turn NaN into null; PostgreSQL's jsonb
 * rejects the NUL character. Rejecting these up front keeps what is read back equal to what was written.
 */
export function jsonProblem(value: unknown, path: string, depth = 0): string | undefined {
  if (depth > 64) return `${path} is nested too deeply`;
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') {
    return value.includes('\u0000') ? `${path} holds a NUL character` : undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = jsonProblem(item, `${path}[${index}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path} has a key with a NUL character`;
      const problem = jsonProblem(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}, not JSON`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
