// The startup configuration of each lab router (what `lab up` writes to its frr.conf).
import type { LabDevice, LabLink, LabRouter } from './lab-layout';

/**
 * BFD for the sessions of gateway nodes: a peer that goes silent is down after 3 missed packets
 * of 60 ms, 0.18 s (FRR's default, 300 ms x 3, takes about 0.9 s). A silent gateway node cost
 * 0.28 s of traffic in the lab with 60 ms x 3, 0.30-0.40 s with 80 ms x 3 and 0.41 s with
 * 100 ms x 3 (docs/frr-lab.md); 60 ms x 3 held with no session down on two cores at load 8.
 */
export const bfdProfile = 'loom-fast';

/**
 * bfdd's own configuration file: in the file zebra and bgpd read, bfdd would stop at the first
 * `exit` of another daemon's block, and they at the `exit` of this one.
 */
export function renderBfdConfig(router: LabRouter): string {
  return [
    `hostname ${router.name}`,
    'bfd',
    ` profile ${bfdProfile}`,
    '  detect-multiplier 3',
    '  receive-interval 60',
    '  transmit-interval 60',
    ' exit',
    'exit',
    '',
  ].join('\n');
}

/** Route maps a gateway node's VRF sessions use (see gateway-routes.ts). */
export const gatewayRouteMaps = {
  /** The gateway's public table to a VPC's VRF: the upstream's default only. */
  toVpc: 'LOOM-TO-VPC',
  /** What the public table takes from a VPC's VRF: nothing. */
  fromVpc: 'LOOM-FROM-VPC',
  /** What a VPC's VRF takes from the public table: the default only. */
  fromGateway: 'LOOM-FROM-GATEWAY',
  /** What a VPC's VRF gives the public table: nothing. */
  toGateway: 'LOOM-TO-GATEWAY',
} as const;

function neighbor(link: LabLink): string[] {
  const address = link.peerAddress;
  return [
    ` neighbor ${address} remote-as ${link.peerAsn}`,
    // A session that comes back (a link up again, a daemon restarted) is up within seconds.
    ...(link.bfd
      ? [
          ` neighbor ${address} bfd`,
          ` neighbor ${address} bfd profile ${bfdProfile}`,
          ` neighbor ${address} timers connect 1`,
        ]
      : []),
  ];
}

/**
 * A gateway node's policy: to the upstream only what it originates itself (the public /32s it
 * announces), with its AS prepended twice when it stands by; from the upstream only the default;
 * to the fabric only its loopback; to a VPC's VRF the default, when it stands by with the
 * upstream's AS prepended once (not its own: the VRF's BGP instance has the same AS and would
 * drop the route as a loop), so each node's VRF still prefers its own default and exports it,
 * and the leaves prefer the active node's; nothing from a VPC's VRF into the public table.
 */
function gatewayPolicy(device: LabDevice): string[] {
  const standby = device.gateway?.standby === true;
  const prependOwn = standby ? [` set as-path prepend ${device.asn} ${device.asn}`] : [];
  const prependUpstream = standby ? [' set as-path prepend last-as 1'] : [];
  const maps = gatewayRouteMaps;
  return [
    'ip prefix-list LOOM-DEFAULT seq 5 permit 0.0.0.0/0',
    `ip prefix-list LOOM-LOOPBACK seq 5 permit ${device.loopback}/32`,
    'bgp as-path access-list LOOM-LOCAL seq 5 permit ^$',
    'route-map LOOM-FROM-UPSTREAM permit 10',
    ' match ip address prefix-list LOOM-DEFAULT',
    'exit',
    'route-map LOOM-TO-UPSTREAM deny 5',
    ' match ip address prefix-list LOOM-LOOPBACK',
    'exit',
    'route-map LOOM-TO-UPSTREAM permit 10',
    ' match as-path LOOM-LOCAL',
    ...prependOwn,
    'exit',
    'route-map LOOM-TO-FABRIC permit 10',
    ' match ip address prefix-list LOOM-LOOPBACK',
    'exit',
    'route-map LOOM-FROM-FABRIC deny 5',
    ' match ip address prefix-list LOOM-DEFAULT',
    'exit',
    'route-map LOOM-FROM-FABRIC permit 10',
    'exit',
    `route-map ${maps.toVpc} permit 10`,
    ' match ip address prefix-list LOOM-DEFAULT',
    ...prependUpstream,
    'exit',
    `route-map ${maps.fromVpc} deny 10`,
    'exit',
    `route-map ${maps.fromGateway} permit 10`,
    ' match ip address prefix-list LOOM-DEFAULT',
    'exit',
    `route-map ${maps.toGateway} deny 10`,
    'exit',
  ];
}

function leafOrSpine(router: LabRouter): string[] {
  const device = router as LabDevice;
  const uplink = device.gateway?.uplink;
  const policy = (link: LabLink, from: string, to: string) => [
    `  neighbor ${link.peerAddress} route-map ${from} in`,
    `  neighbor ${link.peerAddress} route-map ${to} out`,
  ];
  return [
    ...(uplink ? gatewayPolicy(device) : []),
    `router bgp ${router.asn}`,
    ` bgp router-id ${router.loopback}`,
    ' no bgp ebgp-requires-policy',
    ...router.links.flatMap(neighbor),
    ...(uplink ? neighbor(uplink) : []),
    ' address-family ipv4 unicast',
    `  network ${router.loopback}/32`,
    ...(uplink
      ? [
          ...router.links.flatMap((link) => policy(link, 'LOOM-FROM-FABRIC', 'LOOM-TO-FABRIC')),
          ...policy(uplink, 'LOOM-FROM-UPSTREAM', 'LOOM-TO-UPSTREAM'),
        ]
      : []),
    ' exit-address-family',
    ' address-family l2vpn evpn',
    ...router.links.map((link) => `  neighbor ${link.peerAddress} activate`),
    ...(router.role === 'leaf' ? ['  advertise-all-vni'] : []),
    ' exit-address-family',
    'exit',
  ];
}

/**
 * The upstream router: eBGP with BFD to every gateway node, a default route to each (it has no
 * default itself: nothing leaves the lab), and from them host routes of the documentation ranges
 * only.
 */
function upstream(router: LabRouter): string[] {
  return [
    'ip prefix-list LOOM-DEFAULT seq 5 permit 0.0.0.0/0',
    'ip prefix-list LOOM-PUBLIC seq 5 permit 198.51.100.0/24 ge 32',
    'ip prefix-list LOOM-PUBLIC seq 10 permit 203.0.113.0/24 ge 32',
    'route-map LOOM-FROM-GATEWAY permit 10',
    ' match ip address prefix-list LOOM-PUBLIC',
    'exit',
    'route-map LOOM-TO-GATEWAY permit 10',
    ' match ip address prefix-list LOOM-DEFAULT',
    'exit',
    `router bgp ${router.asn}`,
    ` bgp router-id ${router.loopback}`,
    ' bgp log-neighbor-changes',
    ...router.links.flatMap(neighbor),
    ' address-family ipv4 unicast',
    ...router.links.flatMap((link) => [
      `  neighbor ${link.peerAddress} default-originate`,
      `  neighbor ${link.peerAddress} route-map LOOM-FROM-GATEWAY in`,
      `  neighbor ${link.peerAddress} route-map LOOM-TO-GATEWAY out`,
    ]),
    ' exit-address-family',
    'exit',
  ];
}

/**
 * A router's startup configuration. Leaves and spines: eBGP on each underlay link (IPv4 for the
 * loopbacks, l2vpn evpn), and on a leaf advertise-all-vni; a spine holds no VNI: it passes EVPN
 * routes on with their next hop (the leaf's VTEP) unchanged, as FRR does for EVPN over eBGP.
 * Gateway nodes also peer with the upstream; BFD runs on every session of a gateway node (its
 * profile in renderBfdConfig).
 */
export function renderFrrConfig(router: LabRouter): string {
  return [
    'frr defaults datacenter',
    `hostname ${router.name}`,
    'ip forwarding',
    ...(router.role === 'upstream' ? upstream(router) : leafOrSpine(router)),
    '',
  ].join('\n');
}
