import type { DomainEvent } from '@loom/intents';

/** A port of `subnet` uses `vlan` on this leaf; the VLAN maps to the subnet's L2 VNI. */
export type LeafVlanBound = DomainEvent<
  'LeafVlanBound',
  {
    leaf: string;
    vlan: number;
    subnet: string;
    l2Vni: number;
    port: string;
    interface: string;
    owner: string;
    /** Present (true) for a bare-metal port: the interface in access mode, the VLAN untagged. */
    untagged?: true;
  }
>;
export type LeafVlanUnbound = DomainEvent<
  'LeafVlanUnbound',
  { leaf: string; vlan: number; subnet: string; port: string; owner: string }
>;
export type LeafVlanEvent = LeafVlanBound | LeafVlanUnbound;
