import { Controller, Inject, type Type } from '@nestjs/common';
import { healthContracts, type ServiceHealth, type ServiceName } from '@homelab/contracts';
import { RpcHandler } from '../rpc/rpc-handler.decorator.js';
import { HealthService } from './health.service.js';

/** The service's health over NATS (`<service>.health.get`), built for the service's own subject. */
export function healthHandlerFor(service: ServiceName): Type<unknown> {
  @Controller()
  class HealthHandler {
    constructor(@Inject(HealthService) private readonly health: HealthService) {}

    @RpcHandler(healthContracts[service])
    check(): Promise<ServiceHealth> {
      return this.health.check();
    }
  }
  return HealthHandler;
}
