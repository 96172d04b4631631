import { draftWorld, type SimulatedWorld } from './simulated-world';

/**
 * Where the simulated fabric keeps its world. `transact` runs `work` on the latest world with
 * exclusive access and keeps its changes only if it returns: a throw leaves the world as it was.
 */
export interface WorldStore {
  transact<T>(work: (world: SimulatedWorld) => T): Promise<T>;
}

/** For unit tests: the world in memory; each transaction works on a draft, kept on success. */
export class InMemoryWorldStore implements WorldStore {
  constructor(private world: SimulatedWorld) {}

  transact<T>(work: (world: SimulatedWorld) => T): Promise<T> {
    // Inside a promise so that a throw from `work` becomes a rejection, as with the file store.
    return new Promise((resolve) => {
      const draft = draftWorld(this.world);
      const result = work(draft);
      this.world = draft;
      resolve(result);
    });
  }
}
