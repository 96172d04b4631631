/**
 * What one client believes its tenant holds, from the answers it got: the load picks the targets
 * of its next intents from it. It is a guide, not the truth (unknown outcomes are left out):
 * the checks compare the log with the ledger, never with this view.
 */
export class TenantView {
  readonly vpcs = new Map<string, { subnets: number }>();
  readonly subnets = new Map<string, { cidrs: number }>();
  readonly ports = new Set<string>();
  private counter = 0;

  constructor(readonly tenant: string) {}

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  pick<T>(items: Iterable<T>, random: () => number): T | undefined {
    const all = [...items];
    return all[Math.floor(random() * all.length)];
  }

  /** The `index`th /24 of VPC block 10.{n}.0.0/16 (n from the VPC's id, so no two collide). */
  subnetCidr(vpc: string, random: () => number): string {
    const block = Number(/(\d+)$/.exec(vpc)?.[1] ?? 0) % 250;
    return `10.${block}.${Math.floor(random() * 250)}.0/24`;
  }

  vpcCidr(vpc: string): string {
    return `10.${Number(/(\d+)$/.exec(vpc)?.[1] ?? 0) % 250}.0.0/16`;
  }

  created(kind: 'vpc' | 'subnet' | 'port', name: string): void {
    if (kind === 'vpc') this.vpcs.set(name, { subnets: 0 });
    else if (kind === 'subnet') this.subnets.set(name, { cidrs: 0 });
    else this.ports.add(name);
  }

  deleted(kind: 'vpc' | 'subnet' | 'port', name: string): void {
    if (kind === 'vpc') this.vpcs.delete(name);
    else if (kind === 'subnet') this.subnets.delete(name);
    else this.ports.delete(name);
  }
}
