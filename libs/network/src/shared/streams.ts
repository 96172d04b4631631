import { requestStream } from '@loom/intents';

/** Stream names: one stream per consistency boundary. */
export const streams = {
  tenant: (tenantId: string) => `tenant-${tenantId}`,
  vpc: (tenantId: string, vpcId: string) => `vpc-${tenantId}/${vpcId}`,
  subnet: (tenantId: string, vpcId: string, subnetId: string) =>
    `subnet-${tenantId}/${vpcId}/${subnetId}`,
  port: (tenantId: string, vpcId: string, subnetId: string, portId: string) =>
    `port-${tenantId}/${vpcId}/${subnetId}/${portId}`,
  operation: (tenantId: string, operationId: string) => `operation-${tenantId}/${operationId}`,
  request: requestStream,
  l3VniPool: 'vni-pool-l3',
  l2VniPool: 'vni-pool-l2',
  leafVlans: (leaf: string) => `leaf-vlans-${leaf}`,
  externalNetwork: (externalNetworkId: string) => `external-network-${externalNetworkId}`,
  transferPool: 'transfer-pool',
  externalGateway: (tenantId: string, vpcId: string) => `external-gateway-${tenantId}/${vpcId}`,
  floatingIp: (tenantId: string, floatingIpId: string) => `floating-ip-${tenantId}/${floatingIpId}`,
  qosPolicy: (tenantId: string, qosPolicyId: string) => `qos-policy-${tenantId}/${qosPolicyId}`,
  /** Which QoS policy each port and floating IP has, fabric-wide. */
  qosAttachments: 'qos-attachments',
  fabricRepair: (repairId: string) => `fabric-repair-${repairId}`,
  serviceIp: (tenantId: string, vpcId: string) => `service-ip-${tenantId}/${vpcId}`,
  /** The service pool's /31s, and so the index of every service IP. */
  servicePool: 'service-pool',
} as const;

/** Prefixes of every stream that belongs to one tenant (Watch follows these). */
export const tenantStreamPrefixes = (tenantId: string): string[] => [
  `tenant-${tenantId}`,
  `vpc-${tenantId}/`,
  `subnet-${tenantId}/`,
  `port-${tenantId}/`,
  `operation-${tenantId}/`,
  `external-gateway-${tenantId}/`,
  `floating-ip-${tenantId}/`,
  `qos-policy-${tenantId}/`,
  `service-ip-${tenantId}/`,
];
