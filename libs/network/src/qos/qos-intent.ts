import type { FloatingIpShapingState, PortShapingState } from '@loom/fabric';
import type { AggregateStore } from '@loom/intents';
import { streams } from '../shared/streams';
import { qosAttachmentsDecider } from './qos-attachments.decider';
import { parseQosPolicyName } from './qos-names';
import { qosPolicyDecider, type QosPolicyState } from './qos-policy.decider';

/** What the QoS policies shape on one device. */
export interface DeviceShapingIntent {
  readonly ports: PortShapingState[];
  readonly floatingIps: FloatingIpShapingState[];
}

/**
 * The shaping the intent implies on each device, by name: for every attachment in the index
 * (`qos-attachments`), its policy's limits where its placement says (a port on its leaf, a floating
 * IP on every gateway node of its network). What an intent records before its saga has run shows
 * as missing until the saga is done; a failed saga's intent was put back, so it is not intended.
 */
export async function intendedShaping(
  aggregates: AggregateStore,
): Promise<Map<string, DeviceShapingIntent>> {
  const devices = new Map<string, DeviceShapingIntent>();
  const on = (device: string) => {
    const found = devices.get(device) ?? { ports: [], floatingIps: [] };
    devices.set(device, found);
    return found;
  };
  const { policies } = (await aggregates.load(streams.qosAttachments, qosAttachmentsDecider)).state;
  const states = new Map<string, Promise<QosPolicyState>>();
  for (const [resource, policy] of policies) {
    const ids = parseQosPolicyName(policy);
    if (!ids) continue;
    let loading = states.get(policy);
    if (!loading) {
      loading = aggregates
        .load(streams.qosPolicy(ids.tenantId, ids.qosPolicyId), qosPolicyDecider)
        .then(({ state }) => state);
      states.set(policy, loading);
    }
    const state = await loading;
    if (state.status !== 'Active') continue;
    const attachment = state.attachments.find((entry) => entry.resource === resource);
    if (!attachment) continue;
    const { ingress, egress } = state;
    const { placement } = attachment;
    if (placement.kind === 'port') {
      const { interface: iface, vlan, address } = placement;
      on(placement.leaf).ports.push({ interface: iface, vlan, address, ingress, egress });
    } else {
      for (const node of placement.nodes) {
        const { vrf, publicAddress } = placement;
        on(node).floatingIps.push({ vrf, publicAddress, ingress, egress });
      }
    }
  }
  return devices;
}
