import type fc from 'fast-check';
import { status } from '@grpc/grpc-js';
import type { LoomClients } from '../../test/support/grpc-client';
import { subnetBody, tenantBody, vpcBody } from '../../test/support/network-fixtures';
import { modelQuota, vpcBlock, type Code, type NetworkModel } from './network-model';

/** The engine, as the commands reach it: ids are prefixed per run, so runs never collide. */
export interface RealNetwork {
  readonly portal: LoomClients;
  readonly prefix: string;
  /** Set by scheduled runs: the order in which racing calls are sent. */
  scheduler?: fc.Scheduler;
  calls: number;
}

const codeOf = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'OK',
    (error: unknown) => status[(error as { code: number }).code] ?? 'UNKNOWN',
  );

function expectCode(command: string, actual: string, expected: Code): void {
  if (actual !== expected)
    throw new Error(`${command}: the engine answered ${actual}, the model ${expected}`);
}

const tenantName = (r: RealNetwork, tenant: string) => `tenants/${r.prefix}${tenant}`;

abstract class NetworkCommand implements fc.AsyncCommand<NetworkModel, RealNetwork> {
  check(): boolean {
    return true;
  }
  abstract run(model: NetworkModel, real: RealNetwork): Promise<void>;
  abstract toString(): string;
}

export class CreateTenant extends NetworkCommand {
  constructor(readonly tenant: string) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 1;
    const actual = await codeOf(
      r.portal.tenants.createTenant({
        tenantId: `${r.prefix}${this.tenant}`,
        tenant: tenantBody(modelQuota),
        requestId: '',
      }),
    );
    expectCode(this.toString(), actual, m.createTenant(this.tenant));
  }
  toString() {
    return `CreateTenant(${this.tenant})`;
  }
}

export class DeleteTenant extends NetworkCommand {
  constructor(readonly tenant: string) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 1;
    const actual = await codeOf(
      r.portal.tenants.deleteTenant({ name: tenantName(r, this.tenant), etag: '' }),
    );
    expectCode(this.toString(), actual, m.deleteTenant(this.tenant));
  }
  toString() {
    return `DeleteTenant(${this.tenant})`;
  }
}

export class CreateVpc extends NetworkCommand {
  constructor(
    readonly tenant: string,
    readonly vpc: string,
  ) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 2;
    const actual = await codeOf(
      r.portal.vpcs.createVpc({
        parent: tenantName(r, this.tenant),
        vpcId: this.vpc,
        vpc: vpcBody([vpcBlock]),
        requestId: '',
      }),
    );
    expectCode(this.toString(), actual, m.createVpc(this.tenant, this.vpc));
    if (actual !== 'OK') return;
    const got = await r.portal.vpcs.getVpc({
      name: `${tenantName(r, this.tenant)}/vpcs/${this.vpc}`,
    });
    const expected = m.tenants.get(this.tenant)?.vpcs.get(this.vpc)?.l3Vni;
    if (got.l3Vni !== expected)
      throw new Error(`${this.toString()}: L3 VNI ${got.l3Vni}, the model ${String(expected)}`);
  }
  toString() {
    return `CreateVpc(${this.tenant}/${this.vpc})`;
  }
}

export class DeleteVpc extends NetworkCommand {
  constructor(
    readonly tenant: string,
    readonly vpc: string,
  ) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 1;
    const name = `${tenantName(r, this.tenant)}/vpcs/${this.vpc}`;
    const actual = await codeOf(r.portal.vpcs.deleteVpc({ name, etag: '', requestId: '' }));
    expectCode(this.toString(), actual, m.deleteVpc(this.tenant, this.vpc));
  }
  toString() {
    return `DeleteVpc(${this.tenant}/${this.vpc})`;
  }
}

export class CreateSubnet extends NetworkCommand {
  constructor(
    readonly tenant: string,
    readonly vpc: string,
    readonly subnet: string,
    readonly cidr: string,
  ) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 2;
    const vpcName = `${tenantName(r, this.tenant)}/vpcs/${this.vpc}`;
    const actual = await codeOf(
      r.portal.subnets.createSubnet({
        parent: vpcName,
        subnetId: this.subnet,
        subnet: subnetBody(this.cidr),
        requestId: '',
      }),
    );
    expectCode(
      this.toString(),
      actual,
      m.createSubnet(this.tenant, this.vpc, this.subnet, this.cidr),
    );
    if (actual !== 'OK') return;
    const got = await r.portal.subnets.getSubnet({ name: `${vpcName}/subnets/${this.subnet}` });
    const expected = m.tenants
      .get(this.tenant)
      ?.vpcs.get(this.vpc)
      ?.subnets.get(this.subnet)?.l2Vni;
    if (got.l2Vni !== expected)
      throw new Error(`${this.toString()}: L2 VNI ${got.l2Vni}, the model ${String(expected)}`);
  }
  toString() {
    return `CreateSubnet(${this.tenant}/${this.vpc}/${this.subnet} ${this.cidr})`;
  }
}

export class DeleteSubnet extends NetworkCommand {
  constructor(
    readonly tenant: string,
    readonly vpc: string,
    readonly subnet: string,
  ) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 1;
    const name = `${tenantName(r, this.tenant)}/vpcs/${this.vpc}/subnets/${this.subnet}`;
    const actual = await codeOf(r.portal.subnets.deleteSubnet({ name, etag: '', requestId: '' }));
    expectCode(this.toString(), actual, m.deleteSubnet(this.tenant, this.vpc, this.subnet));
  }
  toString() {
    return `DeleteSubnet(${this.tenant}/${this.vpc}/${this.subnet})`;
  }
}

const unboundPort = {
  name: '',
  displayName: '',
  kind: 'VIRTUAL_MACHINE' as never,
  fixedIp: '',
  macAddress: '',
  binding: null,
  status: 'ACTIVE' as never,
  statusReason: '',
  etag: '',
  createTime: null,
  updateTime: null,
};

export class CreatePort extends NetworkCommand {
  constructor(
    readonly tenant: string,
    readonly vpc: string,
    readonly subnet: string,
    readonly port: string,
  ) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 2;
    const subnetName = `${tenantName(r, this.tenant)}/vpcs/${this.vpc}/subnets/${this.subnet}`;
    const actual = await codeOf(
      r.portal.ports.createPort({
        parent: subnetName,
        portId: this.port,
        port: unboundPort,
        requestId: '',
      }),
    );
    expectCode(
      this.toString(),
      actual,
      m.createPort(this.tenant, this.vpc, this.subnet, this.port),
    );
    if (actual !== 'OK') return;
    const got = await r.portal.ports.getPort({ name: `${subnetName}/ports/${this.port}` });
    const expected = m.tenants
      .get(this.tenant)
      ?.vpcs.get(this.vpc)
      ?.subnets.get(this.subnet)
      ?.ports.get(this.port);
    if (got.fixedIp !== expected)
      throw new Error(`${this.toString()}: fixed IP ${got.fixedIp}, the model ${String(expected)}`);
  }
  toString() {
    return `CreatePort(${this.tenant}/${this.vpc}/${this.subnet}/${this.port})`;
  }
}

export class DeletePort extends NetworkCommand {
  constructor(
    readonly tenant: string,
    readonly vpc: string,
    readonly subnet: string,
    readonly port: string,
  ) {
    super();
  }
  async run(m: NetworkModel, r: RealNetwork) {
    r.calls += 1;
    const name = `${tenantName(r, this.tenant)}/vpcs/${this.vpc}/subnets/${this.subnet}/ports/${this.port}`;
    const actual = await codeOf(r.portal.ports.deletePort({ name, etag: '', requestId: '' }));
    expectCode(
      this.toString(),
      actual,
      m.deletePort(this.tenant, this.vpc, this.subnet, this.port),
    );
  }
  toString() {
    return `DeletePort(${this.tenant}/${this.vpc}/${this.subnet}/${this.port})`;
  }
}
