/**
 * `fn` over `items` with at most `limit` calls in flight, results in the order of `items`. Reading a hundred files
 * at once queues them all on the thread pool and runs all their callbacks back to back, one long task for the
 * event loop (and whatever else waits for the file system waits behind them); a few at a time keeps the pool busy
 * and the loop free between them.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
