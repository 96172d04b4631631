import './loom-aliases';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { parsePortName } from '../../libs/names/src/resource-names';
import { createNetworkServices } from '../../libs/network/src/network-services';
import { defaultNetworkSettings } from '../../libs/network/src/shared/network-settings';
import { createPool } from '../../libs/postgres/src';

const writers = 16;

/**
 * Puts the engine's projections `count` events behind while the engine is stopped: `count`
 * UpdatePort calls (a new display name, one PortUpdated event each) through the real PortService of
 * libs/network over a PostgresEventStore on the engine's database, as a replica without
 * projections would write them. The cloud does not grow, so each size's catch-up has the same work.
 */
export async function writeEventsBehind(
  url: string,
  ports: readonly string[],
  count: number,
  round: number,
): Promise<void> {
  const pool = createPool(url, writers);
  const store = new PostgresEventStore({ pool });
  try {
    const services = createNetworkServices(store, defaultNetworkSettings);
    const context = { actor: 'bench@loom.example', correlationId: `catch-up-${round}` };
    let next = 0;
    const writer = async (): Promise<void> => {
      while (next < count) {
        const index = next;
        next += 1;
        const name = ports[index % ports.length];
        if (name === undefined) throw new Error('no port to update');
        await services.ports.update(
          { name: parsePortName(name), displayName: `catch-up ${round}.${index}` },
          context,
        );
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
  } finally {
    await store.close();
    await pool.end();
  }
}
