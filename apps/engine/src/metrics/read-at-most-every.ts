/**
 * A source read at most once per `intervalMs`: calls in between share the last reading (or the one
 * under way). For gauges whose query grows with the history, such as the sagas by kind and state
 * (a count over every saga ever run: 171 ms at 100,000 sagas), so that scraping `/metrics` often
 * does not load the database with it. A failed reading is not kept.
 */
export function readAtMostEvery<T>(intervalMs: number, read: () => Promise<T>): () => Promise<T> {
  let last: { readonly at: number; readonly value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at >= intervalMs) {
      const value = read();
      const reading = { at: now, value };
      last = reading;
      value.catch(() => {
        if (last === reading) last = undefined;
      });
    }
    return last.value;
  };
}
