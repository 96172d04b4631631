import { specify } from '../testing';
import { fabricWorkDecider, type FabricWorkCommand } from './fabric-work.decider';
import type { FabricWorkRequested } from './fabric-work.events';

const work = {
  sagaType: 'provision-port',
  sagaId: 'op-1',
  resourceKey: 'leaf/leaf1',
  input: { port: 'tenants/acme/vpcs/blue/subnets/web/ports/p1', vlan: 2 },
};
const request: FabricWorkCommand = { type: 'RequestFabricWork', ...work };
const requested: FabricWorkRequested = { type: 'FabricWorkRequested', data: work };
const given = specify(fabricWorkDecider);

describe('fabric work decider', () => {
  it('records the saga to start', () => {
    given([]).when(request).then([requested]);
  });

  it('records it once: a retry of the intent that asked for it decides nothing', () => {
    given([requested]).when(request).then([]);
  });

  it('refuses other work under the same saga id', () => {
    given([requested])
      .when({ ...request, resourceKey: 'leaf/leaf2' })
      .thenThrows(Error, /op-1 was already requested with other work/);
    given([requested])
      .when({ ...request, input: { ...work.input, vlan: 3 } })
      .thenThrows(Error, /already requested/);
  });
});
