// A gateway node's NAT for one VPC: an nftables table in the VPC VRF's namespace, so that VPCs
// with the same private addresses never share a rule, a connection or a table.
import type { DnatRuleState, SnatRuleState } from '../state/fabric-state';
import type { TenantVrfs } from './tenant-vrfs';
import type { UndoLog } from './undo-log';

const table = ['ip', 'loom'] as const;
const comment = { snat: 'loom snat', dnat: 'loom dnat' } as const;

interface NftMatch {
  readonly op: string;
  readonly left: { readonly meta?: { key: string }; readonly payload?: { field: string } };
  readonly right: unknown;
}

interface NftRule {
  readonly chain: string;
  readonly handle: number;
  readonly comment?: string;
  readonly expr: readonly {
    readonly match?: NftMatch;
    readonly snat?: { addr?: unknown };
    readonly dnat?: { addr?: unknown };
  }[];
}

/** One rule as what it matches and does. */
export interface NatRule {
  readonly chain: 'prerouting' | 'postrouting';
  readonly handle: number;
  readonly comment: string;
  readonly iif?: string;
  readonly oif?: string;
  /** `ip saddr == X` / `ip saddr != X` / `ip daddr == X`. */
  readonly source?: string;
  readonly notSource?: string;
  readonly destination?: string;
  readonly snat?: string;
  readonly dnat?: string;
}

function parseRule(rule: NftRule): NatRule | undefined {
  if (rule.chain !== 'prerouting' && rule.chain !== 'postrouting') return undefined;
  const parsed: Record<string, unknown> = {
    chain: rule.chain,
    handle: rule.handle,
    comment: rule.comment ?? '',
  };
  for (const expr of rule.expr) {
    const match = expr.match;
    if (match && typeof match.right === 'string') {
      const key = match.left.meta?.key ?? match.left.payload?.field;
      if (key === 'iifname' && match.op === '==') parsed['iif'] = match.right;
      else if (key === 'oifname' && match.op === '==') parsed['oif'] = match.right;
      else if (key === 'saddr') parsed[match.op === '!=' ? 'notSource' : 'source'] = match.right;
      else if (key === 'daddr' && match.op === '==') parsed['destination'] = match.right;
      else return undefined;
    } else if (expr.snat && typeof expr.snat.addr === 'string') parsed['snat'] = expr.snat.addr;
    else if (expr.dnat && typeof expr.dnat.addr === 'string') parsed['dnat'] = expr.dnat.addr;
    else return undefined;
  }
  return parsed as unknown as NatRule;
}

/** The rules of the VRF's NAT table (none when there is no table). */
export async function readNatRules(vrfs: TenantVrfs, vrf: string): Promise<NatRule[]> {
  let text: string;
  try {
    text = await vrfs.exec(vrf, 'nft', '-j', '-a', 'list', 'table', ...table);
  } catch (error) {
    if (error instanceof Error && /No such file or directory/.test(error.message)) return [];
    throw error;
  }
  const { nftables = [] } = JSON.parse(text) as { nftables?: { rule?: NftRule }[] };
  return nftables.flatMap((entry) => {
    const rule = entry.rule ? parseRule(entry.rule) : undefined;
    return rule ? [rule] : [];
  });
}

/** The VRF's SNAT rule: out through its transfer link from anything but the link itself. */
export function snatOf(vrf: string, rules: readonly NatRule[], link: string): SnatRuleState[] {
  return rules
    .filter(
      (rule) =>
        rule.chain === 'postrouting' &&
        rule.comment === comment.snat &&
        rule.oif === link &&
        rule.source === undefined &&
        rule.snat !== undefined,
    )
    .map((rule) => ({ vrf, publicAddress: rule.snat ?? '' }));
}

const dnatIn = (rules: readonly NatRule[], link: string, publicAddress: string) =>
  rules.find(
    (rule) =>
      rule.chain === 'prerouting' &&
      rule.comment === comment.dnat &&
      rule.iif === link &&
      rule.destination === publicAddress &&
      rule.dnat !== undefined,
  );

const dnatOut = (rules: readonly NatRule[], link: string, publicAddress: string) =>
  rules.find(
    (rule) =>
      rule.chain === 'postrouting' &&
      rule.comment === comment.dnat &&
      rule.oif === link &&
      rule.snat === publicAddress &&
      rule.source !== undefined,
  );

/** The VRF's 1:1 NAT: a DNAT counts when both its halves (in and out) are there and agree. */
export function dnatOf(vrf: string, rules: readonly NatRule[], link: string): DnatRuleState[] {
  return rules.flatMap((rule) => {
    if (rule.chain !== 'prerouting' || rule.destination === undefined) return [];
    const inbound = dnatIn(rules, link, rule.destination);
    const outbound = dnatOut(rules, link, rule.destination);
    if (inbound !== rule || !outbound || outbound.source !== rule.dnat) return [];
    return [{ vrf, publicAddress: rule.destination, privateAddress: rule.dnat ?? '' }];
  });
}

/** The table and its two NAT chains (nft `add` leaves what exists alone). */
async function ensureTable(vrfs: TenantVrfs, vrf: string): Promise<void> {
  await vrfs.exec(vrf, 'nft', 'add', 'table', ...table);
  for (const [chain, hook, priority] of [
    ['prerouting', 'prerouting', 'dstnat'],
    ['postrouting', 'postrouting', 'srcnat'],
  ] as const) {
    await vrfs.exec(
      vrf,
      'nft',
      'add',
      'chain',
      ...table,
      chain,
      `{ type nat hook ${hook} priority ${priority}; policy accept; }`,
    );
  }
}

async function deleteRule(vrfs: TenantVrfs, vrf: string, rule: NatRule): Promise<void> {
  await vrfs.exec(
    vrf,
    'nft',
    'delete',
    'rule',
    ...table,
    rule.chain,
    'handle',
    String(rule.handle),
  );
}

/** Adds a rule (`insert`: at the head of its chain) and records how to take it back. */
async function addRule(
  vrfs: TenantVrfs,
  undo: UndoLog,
  vrf: string,
  how: 'add' | 'insert',
  chain: NatRule['chain'],
  words: readonly string[],
): Promise<void> {
  const before = new Set((await readNatRules(vrfs, vrf)).map((rule) => rule.handle));
  await vrfs.exec(vrf, 'nft', how, 'rule', ...table, chain, ...words);
  const added = (await readNatRules(vrfs, vrf)).find((rule) => !before.has(rule.handle));
  if (added) undo.push(() => deleteRule(vrfs, vrf, added));
}

/**
 * SNAT of everything the VRF sends out through `link`, except what the VRF itself sends from
 * `linkAddress` (its BGP session with the gateway's public table).
 */
export async function addSnatRule(
  vrfs: TenantVrfs,
  undo: UndoLog,
  vrf: string,
  link: string,
  linkAddress: string,
  publicAddress: string,
): Promise<void> {
  await ensureTable(vrfs, vrf);
  if (snatOf(vrf, await readNatRules(vrfs, vrf), link).length > 0) return;
  await addRule(vrfs, undo, vrf, 'add', 'postrouting', [
    'oifname',
    `"${link}"`,
    'ip',
    'saddr',
    '!=',
    linkAddress,
    'snat',
    'to',
    publicAddress,
    'comment',
    `"${comment.snat}"`,
  ]);
}

/**
 * 1:1 NAT: in through `link` to `publicAddress` goes to `privateAddress`; out through `link` from
 * `privateAddress` leaves from `publicAddress`, ahead of the SNAT rule. Adds only the halves
 * missing (drift may have taken one).
 */
export async function addDnatRules(
  vrfs: TenantVrfs,
  undo: UndoLog,
  vrf: string,
  link: string,
  publicAddress: string,
  privateAddress: string,
): Promise<void> {
  await ensureTable(vrfs, vrf);
  const rules = await readNatRules(vrfs, vrf);
  if (!dnatIn(rules, link, publicAddress)) {
    await addRule(vrfs, undo, vrf, 'add', 'prerouting', [
      'iifname',
      `"${link}"`,
      'ip',
      'daddr',
      publicAddress,
      'dnat',
      'to',
      privateAddress,
      'comment',
      `"${comment.dnat}"`,
    ]);
  }
  if (!dnatOut(rules, link, publicAddress)) {
    await addRule(vrfs, undo, vrf, 'insert', 'postrouting', [
      'oifname',
      `"${link}"`,
      'ip',
      'saddr',
      privateAddress,
      'snat',
      'to',
      publicAddress,
      'comment',
      `"${comment.dnat}"`,
    ]);
  }
}

/** Removes the VRF's SNAT rule(s). */
export async function removeSnatRules(vrfs: TenantVrfs, vrf: string, link: string): Promise<void> {
  for (const rule of await readNatRules(vrfs, vrf)) {
    if (rule.comment === comment.snat && rule.oif === link) await deleteRule(vrfs, vrf, rule);
  }
}

/** Removes both halves of the DNAT of `publicAddress`. */
export async function removeDnatRules(
  vrfs: TenantVrfs,
  vrf: string,
  link: string,
  publicAddress: string,
): Promise<void> {
  const rules = await readNatRules(vrfs, vrf);
  for (const rule of [dnatIn(rules, link, publicAddress), dnatOut(rules, link, publicAddress)]) {
    if (rule) await deleteRule(vrfs, vrf, rule);
  }
}
