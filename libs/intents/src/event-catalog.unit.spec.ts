import { EventCatalog } from './event-catalog';

describe('EventCatalog', () => {
  const catalog = new EventCatalog({
    PortCreated: {
      current: 3,
      upcasters: {
        1: (data) => ({ ...data, kind: 'VIRTUAL_MACHINE' }),
        2: ({ mac, ...data }) => ({ ...data, macAddress: mac }),
      },
    },
  });

  it('upcasts an old event through every version to the current shape', () => {
    expect(catalog.upcast('PortCreated', 1, { portId: 'p1', mac: '02:00:00:00:00:01' })).toEqual({
      type: 'PortCreated',
      data: { portId: 'p1', kind: 'VIRTUAL_MACHINE', macAddress: '02:00:00:00:00:01' },
    });
    expect(catalog.upcast('PortCreated', 3, { portId: 'p1' }).data).toEqual({ portId: 'p1' });
  });

  it('refuses events from the future and unknown types', () => {
    expect(() => catalog.upcast('PortCreated', 4, {})).toThrow(/newer than this build/);
    expect(() => catalog.upcast('Mystery', 1, {})).toThrow(/not in the catalog/);
  });
});
