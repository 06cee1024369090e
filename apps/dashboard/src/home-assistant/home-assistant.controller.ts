import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Roles } from '@homelab/auth';
import type { HaEntity, HomeAssistantState } from '@homelab/dashboard-api';
import { HomeAssistant } from '@homelab/dashboard-homeassistant';

/** docs/dashboard-api.md, "Home Assistant". The work and its errors live in @homelab/dashboard-homeassistant. */
@Controller('api/home-assistant')
export class HomeAssistantController {
  constructor(@Inject(HomeAssistant) private readonly homeAssistant: HomeAssistant) {}

  @Get()
  @Roles('viewer')
  state(): HomeAssistantState {
    return this.homeAssistant.service.state();
  }

  @Post('entities/:entityId/toggle')
  @Roles('admin')
  @HttpCode(200)
  toggle(@Param('entityId') entityId: string): Promise<HaEntity> {
    return this.homeAssistant.service.toggle(entityId);
  }

  @Post('scenes/:entityId/activate')
  @Roles('admin')
  @HttpCode(204)
  async activate(@Param('entityId') entityId: string): Promise<void> {
    await this.homeAssistant.service.activateScene(entityId);
  }
}
