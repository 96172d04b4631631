import type fc from 'fast-check';
import { status } from '@grpc/grpc-js';
import { vpcBody } from '../../test/support/network-fixtures';
import type { RealNetwork } from './model-commands';
import { vpcBlock, type NetworkModel } from './network-model';

/**
 * Two VPC creates in one tenant sent together, in the order fast-check's scheduler picks (each
 * run explores another): they race for
 * the tenant's quota and the L3 VNI pool. The engine must answer as the model does for one of the
 * two orders (never both winning the last unit, never both losing a free one).
 */
export class RaceCreateVpcs implements fc.AsyncCommand<NetworkModel, RealNetwork> {
  constructor(
    readonly tenant: string,
    readonly first: string,
    readonly second: string,
  ) {}

  check(): boolean {
    return this.first !== this.second;
  }

  async run(m: NetworkModel, r: RealNetwork): Promise<void> {
    r.calls += 2;
    const send = (vpcId: string) =>
      r.portal.vpcs
        .createVpc({
          parent: `tenants/${r.prefix}${this.tenant}`,
          vpcId,
          vpc: vpcBody([vpcBlock]),
          requestId: '',
        })
        .then(
          () => 'OK',
          (error: unknown) => status[(error as { code: number }).code] ?? 'UNKNOWN',
        );
    const released = (vpcId: string) =>
      r.scheduler
        ? r.scheduler.schedule(Promise.resolve(vpcId), `send ${vpcId}`).then(send)
        : send(vpcId);
    const racing = [released(this.first), released(this.second)];
    // The scheduler lets the two sends go, one after the other, in the order it picked.
    await r.scheduler?.waitIdle();
    const actual = await Promise.all(racing);
    const orders: [string, string][] = [
      [this.first, this.second],
      [this.second, this.first],
    ];
    for (const [a, b] of orders) {
      const trial = m.clone();
      const codes = new Map([
        [a, trial.createVpc(this.tenant, a)],
        [b, trial.createVpc(this.tenant, b)],
      ]);
      if (codes.get(this.first) === actual[0] && codes.get(this.second) === actual[1]) {
        m.createVpc(this.tenant, a);
        m.createVpc(this.tenant, b);
        return this.checkVnis(m, r);
      }
    }
    throw new Error(
      `${this.toString()}: the engine answered ${actual.join(', ')}, no order of the model does`,
    );
  }

  /**
   * The winners hold the VNIs the model gave them, possibly the other way round (the race's order
   * at the server is its own): the model takes the engine's pairing when it is the same pair.
   */
  private async checkVnis(m: NetworkModel, r: RealNetwork): Promise<void> {
    const vpcs = m.tenants.get(this.tenant)?.vpcs;
    const winners = [this.first, this.second].filter((id) => vpcs?.has(id));
    const actual = new Map<string, number>();
    for (const vpcId of winners) {
      const got = await r.portal.vpcs.getVpc({
        name: `tenants/${r.prefix}${this.tenant}/vpcs/${vpcId}`,
      });
      actual.set(vpcId, got.l3Vni);
    }
    const modelled = winners.map((id) => vpcs?.get(id)?.l3Vni).sort();
    const seen = [...actual.values()].sort();
    if (JSON.stringify(modelled) !== JSON.stringify(seen)) {
      throw new Error(
        `${this.toString()}: L3 VNIs ${seen.join(', ')}, the model ${modelled.join(', ')}`,
      );
    }
    for (const [vpcId, l3Vni] of actual) {
      const vpc = vpcs?.get(vpcId);
      if (vpc) vpcs?.set(vpcId, { ...vpc, l3Vni });
    }
  }

  toString(): string {
    return `RaceCreateVpcs(${this.tenant}: ${this.first} | ${this.second})`;
  }
}
