import { Controller } from '@nestjs/common';
import { guardPing, type ParsedRequestOf, type ResponseOf } from '@homelab/contracts';
import { RpcHandler } from '@homelab/platform';

@Controller()
export class PingHandler {
  @RpcHandler(guardPing)
  ping(request: ParsedRequestOf<typeof guardPing>): ResponseOf<typeof guardPing> {
    return { payload: request.payload, receivedAt: new Date().toISOString() };
  }
}
