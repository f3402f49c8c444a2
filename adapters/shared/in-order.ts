/**
 * Runs tasks with the same key one after another, in the order they were given; different keys
 * run concurrently. Reactions use it: one user's 👍, its removal, then 👎 on one message must end
 * as one 👎 even when the three requests are handled concurrently.
 */
export const createInOrder = () => {
  const queues = new Map<string, Promise<unknown>>();
  return (key: string, task: () => Promise<unknown>): Promise<unknown> => {
    const next = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(task);
    queues.set(key, next);
    void next.finally(() => queues.get(key) === next && queues.delete(key)).catch(() => undefined);
    return next;
  };
};
