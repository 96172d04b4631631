import type { EventStore, RecordedEvent } from '@loom/event-store';
import type { Sagas } from '../sagas';
import { encodeSagaEvent, UnreadableSagaEventError } from '../store/saga-event-codec';
import { isSagaOf, readSagaStart } from '../store/read-saga-start';
import { started } from '../testing/saga-fixtures';
import { defineSaga } from './define-saga';
import { InvalidSagaDefinitionError } from './saga-names';
import { sagaType, type SagaType } from './saga-type';

/** A plain interface, no index signature: what a saga input looks like outside this library. */
interface PortInput {
  readonly leaf: string;
  readonly vlan: number;
  readonly note?: string;
  readonly peers: readonly { readonly leaf: string }[];
}

const provisionPort = sagaType<PortInput>('provision-port');
const noop = () => Promise.resolve(undefined);

describe('typed saga handles', () => {
  it('names the saga type, checked like a definition', () => {
    expect(provisionPort.type).toBe('provision-port');
    expect(() => sagaType<PortInput>('has space')).toThrow(InvalidSagaDefinitionError);
  });

  it('defines a saga on a handle; the definition is itself a handle of the same type', () => {
    const definition = defineSaga({
      type: provisionPort,
      steps: [{ name: 'bind', action: noop, compensation: noop }],
    });
    expect(definition.type).toBe('provision-port');
    expect(definition.steps.map((step) => step.name)).toEqual(['bind']);
    expect(() =>
      defineSaga({
        type: provisionPort,
        steps: [{ name: 'a:b', action: noop, compensation: noop }],
      }),
    ).toThrow(/invalid step name/);
  });

  it('reads a saga stream’s start through the codec, its input typed once its type is known', async () => {
    const recorded = (event = started, schemaVersion = 1): RecordedEvent => ({
      id: 'e1',
      stream: 'saga-vpc-blue-create',
      revision: 0,
      position: 1n,
      ...encodeSagaEvent(event, {}),
      schemaVersion,
      metadata: { occurredAt: '2030-01-01T00:00:00.000Z' },
      recordedAt: new Date(0),
    });
    const storeOf = (events: RecordedEvent[]): Pick<EventStore, 'readStream'> => ({
      readStream: (_stream, options) => Promise.resolve(events.slice(0, options?.maxCount)),
    });
    const createVpc = sagaType<{ readonly vpc: string }>('create-vpc');

    const start = await readSagaStart(storeOf([recorded()]), 'saga-vpc-blue-create');
    expect(start).toMatchObject({ sagaId: 'vpc-blue-create', sagaType: 'create-vpc' });
    expect(start && isSagaOf(start, provisionPort)).toBe(false);
    if (!start || !isSagaOf(start, createVpc)) throw new Error('a create-vpc saga was expected');
    expect(start.input.vpc).toBe('blue');

    await expect(readSagaStart(storeOf([]), 'saga-none')).resolves.toBeUndefined();
    await expect(readSagaStart(storeOf([recorded(started, 2)]), 'saga-x')).rejects.toThrow(
      UnreadableSagaEventError,
    );
  });
});

/**
 * Compile-time checks, never run: `npm run typecheck` fails if the API starts accepting what the
 * `@ts-expect-error` lines pass, or refuses the lines without it.
 */
export function typeChecks(sagas: Sagas): void {
  const input: PortInput = { leaf: 'leaf1', vlan: 100, peers: [{ leaf: 'leaf2' }] };
  void sagas.start(provisionPort, 'op-1', 'leaf/leaf1', input);
  // @ts-expect-error the input of another saga type
  void sagas.start(provisionPort, 'op-1', 'leaf/leaf1', { vpc: 'blue' });
  // @ts-expect-error a bare name is no handle
  void sagas.start({ type: 'provision-port' }, 'op-1', 'leaf/leaf1', input);

  // A starter that forwards a handle, as a service's port to the saga engine would.
  const forward = <Input>(saga: SagaType<Input>, sagaInput: Input) =>
    sagas.start(saga, 'op-1', 'leaf/leaf1', sagaInput);
  void forward(provisionPort, input);
  // @ts-expect-error forwarded, the input is still checked
  void forward(provisionPort, { vpc: 'blue' });

  // @ts-expect-error a Date does not survive JSON
  sagaType<{ readonly at: Date }>('dated');
  // @ts-expect-error a property that may hold undefined is dropped by JSON: make it optional
  sagaType<{ readonly note: string | undefined }>('maybe');
  // @ts-expect-error an index signature of unknown values is not JSON
  sagaType<{ readonly [key: string]: unknown; readonly leaf: string }>('loose');
  // @ts-expect-error nothing is known of unknown
  sagaType<unknown>('anything');
  defineSaga<PortInput>({
    type: 'provision-port',
    steps: [
      {
        name: 'bind',
        action: ({ input: { leaf } }) => Promise.resolve(leaf),
        compensation: noop,
      },
    ],
  });
  // @ts-expect-error the steps' input type is checked too
  defineSaga({
    type: 'dated',
    steps: [{ name: 'a', action: (_context: { input: Date }) => noop(), compensation: noop }],
  });
}
