// Linux tc for traffic shaping: one HTB per interface that only sorts packets (by source or
// destination address, u32) into a class per shaped address, each class with a TBF that shapes.
// Packets of no class leave directly, unshaped (HTB `default 0`). This kernel has no policer, so
// traffic arriving on an interface is shaped on an ifb device it is redirected to (mirred).
import type { ShapingLimit } from '../operations/shaping-operation';
import { parseIpv4 } from '../addressing';

/** Runs `tc` with `args` where the interface is; resolves with its stdout. */
export type TcRunner = (...args: string[]) => Promise<string>;

/** One shaped address on an interface. */
export interface AddressShaper {
  readonly address: string;
  readonly limit: ShapingLimit;
}

/** Which address of a packet its class is chosen by. */
export type MatchField = 'src' | 'dst';

/** A class's own rate: HTB only sorts, so it never limits before the TBF does. */
const htbRate = '100gbit';
/**
 * How long a packet may wait in a TBF: its queue holds this much traffic at the rate. A TCP flow
 * segmentation-offloads 64 KB at a time, which the TBF splits into frames; with 50 ms the queue
 * overflowed at 10 Mbit/s (retransmissions, 9.4-10.5 Mbit/s measured), with 200 ms it never did
 * (0 retransmissions, 95.5% of the rate as TCP payload: the rest is frame headers).
 */
const tbfLatency = '200ms';

const isMissing = (error: unknown): boolean =>
  error instanceof Error &&
  /No such file|Cannot find|Invalid handle|does not exist|Cannot delete qdisc with handle of zero/i.test(
    error.message,
  );

/** Removes the interface's root qdisc (and with it every class and filter); absent is fine. */
async function clearRoot(tc: TcRunner, dev: string): Promise<void> {
  await tc('qdisc', 'del', 'dev', dev, 'root').catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
}

/**
 * Makes `dev`'s egress shape exactly `shapers`: written afresh each time (the shaping of one
 * interface is a few classes), none leaves the interface unshaped.
 */
export async function writeShapers(
  tc: TcRunner,
  dev: string,
  match: MatchField,
  shapers: readonly AddressShaper[],
): Promise<void> {
  await clearRoot(tc, dev);
  if (shapers.length === 0) return;
  await tc('qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '0');
  for (const [index, { address, limit }] of shapers.entries()) {
    const minor = (index + 1).toString(16);
    // The TBF's own handle, apart from the root's `1:`.
    const handle = (index + 0x100).toString(16);
    await tc(
      'class',
      'add',
      'dev',
      dev,
      'parent',
      '1:',
      'classid',
      `1:${minor}`,
      'htb',
      'rate',
      htbRate,
    );
    await tc(
      'qdisc',
      'add',
      'dev',
      dev,
      'parent',
      `1:${minor}`,
      'handle',
      `${handle}:`,
      'tbf',
      'rate',
      `${limit.rateKbps}kbit`,
      'burst',
      String(limit.burstBytes),
      'latency',
      tbfLatency,
    );
    await tc(
      'filter',
      'add',
      'dev',
      dev,
      'parent',
      '1:',
      'protocol',
      'ip',
      'prio',
      '1',
      'u32',
      'match',
      'ip',
      match,
      `${address}/32`,
      'flowid',
      `1:${minor}`,
    );
  }
}

interface TcQdisc {
  readonly kind: string;
  readonly handle: string;
  readonly dev?: string;
  readonly parent?: string;
  readonly root?: boolean;
  readonly options?: { readonly rate?: number; readonly burst?: number };
}

interface TcFilter {
  readonly kind: string;
  readonly options?: {
    readonly flowid?: string;
    readonly match?: { readonly value: string; readonly mask: string; readonly off: number };
    readonly actions?: readonly { kind: string; mirred_action?: string; to_dev?: string }[];
  };
}

async function tcJson<T>(tc: TcRunner, ...args: string[]): Promise<T[]> {
  const text = await tc('-j', ...args);
  return text.trim() === '' ? [] : (JSON.parse(text) as T[]);
}

/** The qdiscs of every interface where `tc` runs. */
export function readQdiscs(tc: TcRunner): Promise<TcQdisc[]> {
  return tcJson<TcQdisc>(tc, 'qdisc', 'show');
}

function addressOf(hex: string): string {
  const value = Number.parseInt(hex, 16);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/**
 * What `dev`'s egress shapes, read back from the kernel: for every u32 filter of its root HTB
 * matching one address (`match`), the TBF of the class it sorts into. `qdiscs` are the
 * interface's (readQdiscs); an interface without a root HTB shapes nothing.
 */
export async function readShapers(
  tc: TcRunner,
  dev: string,
  match: MatchField,
  qdiscs: readonly TcQdisc[],
): Promise<AddressShaper[]> {
  const own = qdiscs.filter((qdisc) => qdisc.dev === undefined || qdisc.dev === dev);
  if (!own.some((qdisc) => qdisc.root && qdisc.kind === 'htb' && qdisc.handle === '1:')) return [];
  const offset = match === 'src' ? 12 : 16;
  const filters = await tcJson<TcFilter>(tc, 'filter', 'show', 'dev', dev, 'parent', '1:');
  const shapers: AddressShaper[] = [];
  for (const filter of filters) {
    const { flowid, match: found } = filter.options ?? {};
    if (filter.kind !== 'u32' || !flowid || !found) continue;
    if (found.mask !== 'ffffffff' || found.off !== offset) continue;
    const tbf = own.find((qdisc) => qdisc.kind === 'tbf' && qdisc.parent === flowid);
    const { rate, burst } = tbf?.options ?? {};
    if (rate === undefined || burst === undefined) continue;
    shapers.push({
      address: addressOf(found.value),
      limit: { rateKbps: Math.round((rate * 8) / 1000), burstBytes: burst },
    });
  }
  return shapers.filter((shaper) => parseIpv4(shaper.address) !== undefined);
}

/** The ifb device that takes what arrives on `dev` to be shaped, e.g. `qswp1v100`. */
export function ifbName(dev: string): string {
  const name = `q${dev}`;
  if (name.length > 15) throw new Error(`interface name ${name} is longer than 15 characters`);
  return name;
}

/**
 * Sends what arrives on `dev` through its ifb device (made if missing), or, with `on` false,
 * stops doing so and removes the ifb device.
 */
export async function redirectIngress(
  tc: TcRunner,
  ip: (...args: string[]) => Promise<string>,
  dev: string,
  on: boolean,
): Promise<void> {
  const ifb = ifbName(dev);
  await tc('qdisc', 'del', 'dev', dev, 'ingress').catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
  await ip('link', 'delete', ifb).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
  if (!on) return;
  await ip('link', 'add', ifb, 'type', 'ifb');
  await ip('link', 'set', ifb, 'up');
  await tc('qdisc', 'add', 'dev', dev, 'handle', 'ffff:', 'ingress');
  await tc(
    'filter',
    'add',
    'dev',
    dev,
    'parent',
    'ffff:',
    'protocol',
    'all',
    'u32',
    'match',
    'u32',
    '0',
    '0',
    'action',
    'mirred',
    'egress',
    'redirect',
    'dev',
    ifb,
  );
}

/** Whether what arrives on `dev` goes through its ifb device (its ingress qdisc and redirect). */
export async function redirectsIngress(
  tc: TcRunner,
  dev: string,
  qdiscs: readonly TcQdisc[],
): Promise<boolean> {
  if (!qdiscs.some((qdisc) => qdisc.dev === dev && qdisc.kind === 'ingress')) return false;
  const filters = await tcJson<TcFilter>(tc, 'filter', 'show', 'dev', dev, 'parent', 'ffff:');
  const ifb = ifbName(dev);
  return filters.some((filter) =>
    (filter.options?.actions ?? []).some(
      (action) =>
        action.kind === 'mirred' && action.mirred_action === 'redirect' && action.to_dev === ifb,
    ),
  );
}
