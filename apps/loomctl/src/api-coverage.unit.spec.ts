import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadLoomPackageDefinition, loomServiceNames } from '@loom/api-contract';
import type { CliContext } from './cli/cli-context';
import { buildProgram } from './program';

/**
 * Every method of the loom.v1 API, and the loomctl command that calls it. A method the protos
 * gain without a command here fails this test: loomctl speaks the whole API.
 */
const commandOf: Record<string, string> = {
  'AuditService.DiffStates': 'audit diff',
  'AuditService.ExportEvents': 'audit export',
  'AuditService.GetStateAt': 'audit at',
  'AuditService.ListChanges': 'audit changes',
  'AuditService.TraceCall': 'audit trace',
  'ExternalGatewayService.CreateExternalGateway': 'external-gateways create',
  'ExternalGatewayService.DeleteExternalGateway': 'external-gateways delete',
  'ExternalGatewayService.GetExternalGateway': 'external-gateways get',
  'ExternalGatewayService.ListExternalGateways': 'external-gateways list',
  'ExternalNetworkService.CreateExternalNetwork': 'external-networks create',
  'ExternalNetworkService.DeleteExternalNetwork': 'external-networks delete',
  'ExternalNetworkService.GetExternalNetwork': 'external-networks get',
  'ExternalNetworkService.ListExternalNetworks': 'external-networks list',
  'ExternalNetworkService.UpdateExternalNetwork': 'external-networks update',
  'FabricService.GetFabricDrift': 'fabric drift',
  'FabricService.RepairFabricDrift': 'fabric repair',
  'FloatingIpService.CreateFloatingIp': 'floating-ips create',
  'FloatingIpService.DeleteFloatingIp': 'floating-ips delete',
  'FloatingIpService.GetFloatingIp': 'floating-ips get',
  'FloatingIpService.ListFloatingIps': 'floating-ips list',
  'FloatingIpService.UpdateFloatingIp': 'floating-ips associate',
  'OperationService.GetOperation': 'operations get',
  'OperationService.ListOperations': 'operations list',
  'OperationService.WaitOperation': 'operations wait',
  'PortService.CreatePort': 'ports create',
  'PortService.DeletePort': 'ports delete',
  'PortService.GetPort': 'ports get',
  'PortService.ListPorts': 'ports list',
  'PortService.UpdatePort': 'ports update',
  'QosPolicyService.AttachQosPolicy': 'qos-policies attach',
  'QosPolicyService.CreateQosPolicy': 'qos-policies create',
  'QosPolicyService.DeleteQosPolicy': 'qos-policies delete',
  'QosPolicyService.DetachQosPolicy': 'qos-policies detach',
  'QosPolicyService.GetQosPolicy': 'qos-policies get',
  'QosPolicyService.ListQosPolicies': 'qos-policies list',
  'QosPolicyService.UpdateQosPolicy': 'qos-policies update',
  'ServiceIpService.CreateServiceIp': 'service-ips create',
  'ServiceIpService.DeleteServiceIp': 'service-ips delete',
  'ServiceIpService.GetServiceIp': 'service-ips get',
  'ServiceIpService.ListServiceIps': 'service-ips list',
  'SubnetService.CreateSubnet': 'subnets create',
  'SubnetService.DeleteSubnet': 'subnets delete',
  'SubnetService.GetSubnet': 'subnets get',
  'SubnetService.ListSubnets': 'subnets list',
  'SubnetService.UpdateSubnet': 'subnets update',
  'TenantService.CreateTenant': 'tenants create',
  'TenantService.DeleteTenant': 'tenants delete',
  'TenantService.GetTenant': 'tenants get',
  'TenantService.ListTenants': 'tenants list',
  'TenantService.UpdateTenant': 'tenants update',
  'VpcService.CreateVpc': 'vpcs create',
  'VpcService.DeleteVpc': 'vpcs delete',
  'VpcService.GetVpc': 'vpcs get',
  'VpcService.ListVpcs': 'vpcs list',
  'VpcService.UpdateVpc': 'vpcs update',
  'WatchService.Watch': 'watch',
};

function apiMethods(): string[] {
  const definition = loadLoomPackageDefinition();
  return loomServiceNames(definition).flatMap((service) =>
    Object.values(definition[service] as ServiceDefinition).map(
      // path: /loom.v1.VpcService/CreateVpc
      (method) => method.path.slice('/loom.v1.'.length).replace('/', '.'),
    ),
  );
}

function commandPaths(command: Command, prefix = ''): string[] {
  return command.commands.flatMap((child) => {
    const path = prefix ? `${prefix} ${child.name()}` : child.name();
    return [path, ...commandPaths(child, path)];
  });
}

describe('loomctl covers the whole loom.v1 API', () => {
  const context: CliContext = {
    env: {},
    io: {
      print: () => undefined,
      warn: () => undefined,
      setExitCode: () => undefined,
      progressStream: new PassThrough(),
      onInterrupt: () => () => undefined,
    },
  };
  const commands = new Set(commandPaths(buildProgram(context, () => Promise.resolve(''))));

  it('names a command for every method of every service', () => {
    const methods = apiMethods();
    expect(methods.length).toBeGreaterThan(40);
    expect(methods.filter((method) => commandOf[method] === undefined)).toEqual([]);
  });

  it('has each of those commands', () => {
    expect(Object.values(commandOf).filter((path) => !commands.has(path))).toEqual([]);
  });
});
