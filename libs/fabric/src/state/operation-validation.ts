import {
  isInterfaceAddress,
  isRouteValue,
  isUnicastMac,
  isVlan,
  isVni,
  isVrfName,
  parseIpv4,
  parseIpv4Prefix,
} from '../addressing';
import type { FabricOperation } from '../operations/fabric-operation';
import type { ShapingLimit, ShapingOperation } from '../operations/shaping-operation';
import type { FabricDevice } from '../topology/topology';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Two different host addresses `a.b.c.d/n` with the same prefix length, in the same subnet. */
function sameSubnet(left: string, right: string): boolean {
  const [leftAddress = '', leftLength] = left.split('/');
  const [rightAddress = '', rightLength] = right.split('/');
  const a = parseIpv4(leftAddress);
  const b = parseIpv4(rightAddress);
  if (a === undefined || b === undefined || leftLength !== rightLength || a === b) return false;
  const size = 2 ** (32 - Number(leftLength));
  return Math.floor(a / size) === Math.floor(b / size);
}

/**
 * What a device's configuration parser would reject before touching anything: malformed values
 * and interfaces it does not have. Returns a message per problem, empty when well formed.
 * Payloads may come from JSON files and other processes, so nothing is taken on trust.
 */
export function operationProblems(device: FabricDevice, operation: FabricOperation): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  const vrfName = (value: unknown): void => {
    check(isVrfName(text(value)), `VRF name ${JSON.stringify(value)} is not valid`);
  };
  switch (operation.kind) {
    case 'createVrf':
      vrfName(operation.vrf);
      check(isVni(operation.l3Vni), `L3 VNI ${operation.l3Vni} is not 1-16777215`);
      check(isRouteValue(text(operation.rd)), `RD ${JSON.stringify(operation.rd)} is not valid`);
      for (const [field, rts] of [
        ['import', operation.importRts],
        ['export', operation.exportRts],
      ] as const) {
        if (!Array.isArray(rts)) problems.push(`${field} route targets must be a list`);
        else {
          for (const rt of rts as unknown[]) {
            check(
              isRouteValue(text(rt)),
              `${field} route target ${JSON.stringify(rt)} is not valid`,
            );
          }
        }
      }
      break;
    case 'deleteVrf':
    case 'configureBgpEvpn':
    case 'removeBgpEvpn':
      vrfName(operation.vrf);
      break;
    case 'bindL2Vni':
    case 'unbindL2Vni':
      check(isVni(operation.l2Vni), `L2 VNI ${operation.l2Vni} is not 1-16777215`);
      check(isVlan(operation.vlan), `VLAN ${operation.vlan} is not 1-4094`);
      check(
        device.interfaces.includes(text(operation.interface)),
        `${device.name} has no interface ${JSON.stringify(operation.interface)}`,
      );
      check(
        operation.untagged === undefined || typeof operation.untagged === 'boolean',
        `untagged ${JSON.stringify(operation.untagged)} is not true or false`,
      );
      if (operation.kind === 'bindL2Vni') {
        vrfName(operation.vrf);
        check(
          isInterfaceAddress(text(operation.anycastGateway)),
          `anycast gateway ${JSON.stringify(operation.anycastGateway)} is not a host address with its prefix length`,
        );
        check(
          isUnicastMac(text(operation.gatewayMac)),
          `gateway MAC ${JSON.stringify(operation.gatewayMac)} is not a lowercase unicast MAC`,
        );
      }
      break;
    case 'announcePrefix':
    case 'withdrawPrefix':
      vrfName(operation.vrf);
      check(
        parseIpv4Prefix(text(operation.prefix)) !== undefined,
        `prefix ${JSON.stringify(operation.prefix)} is not an IPv4 prefix without host bits`,
      );
      break;
    case 'addTransferLink':
      vrfName(operation.vrf);
      for (const [field, value] of [
        ['VRF end', operation.vrfAddress],
        ['gateway end', operation.gatewayAddress],
      ] as const) {
        check(
          isInterfaceAddress(text(value)),
          `transfer link ${field} ${JSON.stringify(value)} is not a host address with its prefix length`,
        );
      }
      check(
        sameSubnet(text(operation.vrfAddress), text(operation.gatewayAddress)),
        'the transfer link ends must be two different addresses of one subnet',
      );
      break;
    case 'removeTransferLink':
    case 'removeDefaultRoute':
    case 'removeSnat':
      vrfName(operation.vrf);
      break;
    case 'addDefaultRoute':
      vrfName(operation.vrf);
      check(
        parseIpv4(text(operation.nextHop)) !== undefined,
        `next hop ${JSON.stringify(operation.nextHop)} is not an IPv4 address`,
      );
      break;
    case 'addSnat':
    case 'addDnat':
    case 'removeDnat':
      vrfName(operation.vrf);
      check(
        parseIpv4(text(operation.publicAddress)) !== undefined,
        `public address ${JSON.stringify(operation.publicAddress)} is not an IPv4 address`,
      );
      if (operation.kind === 'addDnat') {
        check(
          parseIpv4(text(operation.privateAddress)) !== undefined,
          `private address ${JSON.stringify(operation.privateAddress)} is not an IPv4 address`,
        );
      }
      break;
    case 'announceUpstream':
    case 'withdrawUpstream':
      check(
        parseIpv4Prefix(text(operation.prefix)) !== undefined,
        `prefix ${JSON.stringify(operation.prefix)} is not an IPv4 prefix without host bits`,
      );
      break;
    case 'shapePort':
    case 'unshapePort':
    case 'shapeFloatingIp':
    case 'unshapeFloatingIp':
      problems.push(...shapingProblems(device, operation));
      break;
    case 'addServiceLink':
      vrfName(operation.vrf);
      for (const [field, value] of [
        ['VRF end', operation.vrfAddress],
        ['node end', operation.nodeAddress],
      ] as const) {
        check(
          isInterfaceAddress(text(value)),
          `service link ${field} ${JSON.stringify(value)} is not a host address with its prefix length`,
        );
      }
      check(
        sameSubnet(text(operation.vrfAddress), text(operation.nodeAddress)),
        'the service link ends must be two different addresses of one subnet',
      );
      break;
    case 'removeServiceLink':
    case 'removeServiceNat':
      vrfName(operation.vrf);
      break;
    case 'addServiceRoute':
    case 'removeServiceRoute':
      vrfName(operation.vrf);
      check(
        parseIpv4Prefix(text(operation.prefix)) !== undefined,
        `prefix ${JSON.stringify(operation.prefix)} is not an IPv4 prefix without host bits`,
      );
      check(
        parseIpv4Prefix(text(operation.prefix))?.length !== 0,
        'a service route never covers 0.0.0.0/0',
      );
      break;
    case 'addServiceNat':
      vrfName(operation.vrf);
      check(
        parseIpv4(text(operation.address)) !== undefined,
        `address ${JSON.stringify(operation.address)} is not an IPv4 address`,
      );
      break;
    default: {
      const unknown: { kind?: unknown } = operation;
      problems.push(`unknown operation kind ${JSON.stringify(unknown.kind)}`);
    }
  }
  return problems;
}

const isCount = (value: unknown): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

function limitProblems(direction: string, limit: ShapingLimit | null): string[] {
  if (limit === null) return [];
  if (typeof limit !== 'object') return [`${direction} limit must be an object or null`];
  return [
    ...(isCount(limit.rateKbps)
      ? []
      : [`${direction} rate ${String(limit.rateKbps)} is not a positive integer of kbit/s`]),
    ...(isCount(limit.burstBytes)
      ? []
      : [`${direction} burst ${String(limit.burstBytes)} is not a positive integer of bytes`]),
  ];
}

/** The shaping operations' fields: a known interface and VLAN, IPv4 addresses, limits. */
function shapingProblems(device: FabricDevice, operation: ShapingOperation): string[] {
  const problems: string[] = [];
  if (operation.kind === 'shapePort' || operation.kind === 'unshapePort') {
    if (!isVlan(operation.vlan)) problems.push(`VLAN ${operation.vlan} is not 1-4094`);
    if (!device.interfaces.includes(text(operation.interface))) {
      problems.push(`${device.name} has no interface ${JSON.stringify(operation.interface)}`);
    }
    if (parseIpv4(text(operation.address)) === undefined) {
      problems.push(`address ${JSON.stringify(operation.address)} is not an IPv4 address`);
    }
  } else {
    if (!isVrfName(text(operation.vrf))) {
      problems.push(`VRF name ${JSON.stringify(operation.vrf)} is not valid`);
    }
    if (parseIpv4(text(operation.publicAddress)) === undefined) {
      problems.push(
        `public address ${JSON.stringify(operation.publicAddress)} is not an IPv4 address`,
      );
    }
  }
  if (operation.kind === 'shapePort' || operation.kind === 'shapeFloatingIp') {
    problems.push(...limitProblems('ingress', operation.ingress));
    problems.push(...limitProblems('egress', operation.egress));
    if (operation.ingress === null && operation.egress === null) {
      problems.push('a shaping needs an ingress or an egress limit');
    }
  }
  return problems;
}
