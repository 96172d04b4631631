import { matchesFilter, type EventFilter, type RecordedEvent } from '@loom/event-store';
import { filterUnion } from './filter-union';

const event = (stream: string, type: string): RecordedEvent =>
  ({ stream, type, position: 1n }) as RecordedEvent;

describe('filterUnion', () => {
  it('joins the stream prefixes and the event types when every filter names some', () => {
    expect(
      filterUnion([
        { streamPrefixes: ['vpc-'], eventTypes: ['VpcCreated'] },
        { streamPrefixes: ['subnet-', 'vpc-'], eventTypes: ['SubnetCreated'] },
      ]),
    ).toEqual({
      streamPrefixes: ['vpc-', 'subnet-'],
      eventTypes: ['VpcCreated', 'SubnetCreated'],
    });
  });

  it('drops a list that one filter leaves out, and is no filter when one takes everything', () => {
    expect(
      filterUnion([
        { streamPrefixes: ['vpc-'], eventTypes: ['VpcCreated'] },
        { streamPrefixes: ['port-'] },
      ]),
    ).toEqual({ streamPrefixes: ['vpc-', 'port-'] });
    expect(filterUnion([{ streamPrefixes: ['vpc-'] }, undefined])).toBeUndefined();
    expect(filterUnion([])).toBeUndefined();
  });

  it('lets through every event one of the filters lets through', () => {
    const filters: EventFilter[] = [
      { streamPrefixes: ['vpc-'], eventTypes: ['VpcCreated'] },
      { eventTypes: ['PortActivated'] },
      { streamPrefixes: ['tenant-'], eventTypes: ['TenantCreated'] },
    ];
    const union = filterUnion(filters);
    const events = ['vpc-a', 'port-b', 'tenant-c', 'saga-d'].flatMap((stream) =>
      ['VpcCreated', 'PortActivated', 'TenantCreated', 'Other'].map((type) => event(stream, type)),
    );
    for (const candidate of events) {
      if (filters.some((filter) => matchesFilter(candidate, filter))) {
        expect(matchesFilter(candidate, union)).toBe(true);
      }
    }
  });
});
