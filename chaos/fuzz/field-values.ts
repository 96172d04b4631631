import fc from 'fast-check';

/** Names that look right, to get past the first checks and reach deeper code. */
const validLooking = [
  'tenants/acme',
  'tenants/acme/vpcs/f',
  'tenants/acme/vpcs/f/subnets/a',
  'tenants/acme/vpcs/f/subnets/a/ports/p',
  'tenants/globex/vpcs/f',
  'tenants/acme/operations/op-00000000-0000-4000-8000-000000000000',
  'tenants/acme/floatingIps/f',
  'tenants/acme/qosPolicies/q',
  'externalNetworks/ext',
  'acme',
  'f',
  '10.0.0.0/16',
  '10.0.1.0/24',
  '10.0.1.7',
  '203.0.113.5',
  '02:00:00:00:00:01',
  'leaf1',
  'swp1',
  'gw1',
  'display_name',
  'cidr_blocks',
  '"1"',
  '00000000-0000-4000-8000-000000000001',
  'VIRTUAL_MACHINE',
];

/** Values at the edges of what a field accepts. */
const boundary = [
  '',
  ' ',
  'a',
  'a'.repeat(63),
  'a'.repeat(64),
  'x'.repeat(501),
  'tenants/',
  'tenants//vpcs/f',
  '0.0.0.0/0',
  '255.255.255.255/32',
  '10.0.0.0/33',
  '10.0.0.0/-1',
  '"0"',
  '"999999999999999"',
  '"9999999999999999"',
];

/** What an attacker or a broken client sends. */
const hostile = [
  '../../etc/passwd',
  'tenants/acme/../globex',
  "'; DROP TABLE event_store.events; --",
  '\u0000',
  'tenants/acme\u0000/vpcs/f',
  '\u202etenants',
  '😀'.repeat(20),
  '%00%2e%2e',
  '{"$where":"1"}',
  '${jndi:ldap://127.0.0.1/a}',
  'tenants/' + 'a/'.repeat(500),
  '\ud800',
  'A'.repeat(100_000),
];

export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...validLooking) },
  { weight: 2, arbitrary: fc.constantFrom(...boundary) },
  { weight: 2, arbitrary: fc.constantFrom(...hostile) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

export const fuzzInt32 = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 100, 1000, 2_147_483_647, -2_147_483_648),
  fc.integer(),
);
export const fuzzUint32 = fc.oneof(
  fc.constantFrom(0, 1, 4094, 4095, 4096, 16_777_215, 16_777_216, 4_294_967_295),
  fc.nat(),
);
export const fuzzLong = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '9007199254740993',
    '18446744073709551615',
    '-9223372036854775808',
  ),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);
