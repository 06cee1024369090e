import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles, type AuthUser } from '@homelab/auth';
import { DomainError, DomainErrorKind, type GuardApproval } from '@homelab/contracts';
import type { Conversation, ConversationDetail, ConversationList, JarvisStatus } from '@homelab/dashboard-api';
import { JarvisService, type ToolUser } from '@homelab/jarvis';
import { CurrentUser } from '../auth/request-auth.js';
import { streamTurn } from './jarvis-turn-stream.js';

function toolUser(user: AuthUser | undefined): ToolUser {
  // the route guard lets no anonymous request through; this only keeps the types honest
  if (!user) throw new DomainError(DomainErrorKind.Unauthenticated, 'UNAUTHENTICATED', 'Log in first');
  return { id: user.id, username: user.username, role: user.role };
}

/** docs/dashboard-api.md, "Jarvis". The work lives in @homelab/jarvis. */
@Controller('api/jarvis')
export class JarvisController {
  constructor(@Inject(JarvisService) private readonly jarvis: JarvisService) {}

  @Get('status')
  @Roles('viewer')
  status(@CurrentUser() user: AuthUser | undefined): Promise<JarvisStatus> {
    return this.jarvis.status(toolUser(user));
  }

  @Get('conversations')
  @Roles('viewer')
  list(@CurrentUser() user: AuthUser | undefined): Promise<ConversationList> {
    return this.jarvis.list(toolUser(user));
  }

  @Post('conversations')
  @Roles('viewer')
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<Conversation> {
    return this.jarvis.create(toolUser(user), body);
  }

  @Get('conversations/:id')
  @Roles('viewer')
  detail(@Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<ConversationDetail> {
    return this.jarvis.detail(toolUser(user), id);
  }

  @Patch('conversations/:id')
  @Roles('viewer')
  update(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<Conversation> {
    return this.jarvis.update(toolUser(user), id, body);
  }

  @Delete('conversations/:id')
  @Roles('viewer')
  @HttpCode(204)
  remove(@Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<void> {
    return this.jarvis.remove(toolUser(user), id);
  }

  /** The turn's events as a stream; 404 and 409 are ordinary JSON answers, before the stream opens. */
  @Post('conversations/:id/messages')
  @Roles('viewer')
  async send(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: AuthUser | undefined, @Res() reply: FastifyReply): Promise<void> {
    const handle = await this.jarvis.send(toolUser(user), id, body);
    streamTurn(handle, reply);
  }

  @Post('conversations/:id/stop')
  @Roles('viewer')
  @HttpCode(204)
  stop(@Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<void> {
    return this.jarvis.stop(toolUser(user), id);
  }

  @Post('approvals/:approvalId/approve')
  @Roles('admin')
  @HttpCode(200)
  approve(@Param('approvalId') approvalId: string, @Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<GuardApproval> {
    return this.jarvis.decide(toolUser(user), approvalId, 'approve', body);
  }

  @Post('approvals/:approvalId/deny')
  @Roles('admin')
  @HttpCode(200)
  deny(@Param('approvalId') approvalId: string, @Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<GuardApproval> {
    return this.jarvis.decide(toolUser(user), approvalId, 'deny', body);
  }
}
