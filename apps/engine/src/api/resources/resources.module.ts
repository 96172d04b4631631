import { Module } from '@nestjs/common';
import { ApiModule } from '../api.module';
import { OperationController } from './operation.controller';
import { PortController } from './port.controller';
import { SubnetController } from './subnet.controller';
import { TenantController } from './tenant.controller';
import { VpcController } from './vpc.controller';
import { WatchController } from './watch.controller';
import { FabricController } from './fabric.controller';
import { ExternalGatewayController } from './external-gateway.controller';
import { ExternalNetworkController } from './external-network.controller';
import { FloatingIpController } from './floating-ip.controller';
import { QosPolicyController } from './qos-policy.controller';
import { ServiceIpController } from './service-ip.controller';

/** The loom.v1 gRPC services the cloud portal calls. */
@Module({
  imports: [ApiModule],
  controllers: [
    TenantController,
    VpcController,
    SubnetController,
    PortController,
    OperationController,
    WatchController,
    FabricController,
    ExternalNetworkController,
    ExternalGatewayController,
    FloatingIpController,
    QosPolicyController,
    ServiceIpController,
  ],
})
export class ResourcesModule {}
