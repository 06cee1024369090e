import { Controller, ForbiddenException, Get, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { describe, expect, it } from 'vitest';
import { Public, Roles, RolesGuard } from './roles.guard.js';
import { isRole, roleSatisfies, type Role } from './roles.js';

describe('roleSatisfies', () => {
  it('orders admin above viewer', () => {
    expect(roleSatisfies('admin', 'admin')).toBe(true);
    expect(roleSatisfies('admin', 'viewer')).toBe(true);
    expect(roleSatisfies('viewer', 'viewer')).toBe(true);
    expect(roleSatisfies('viewer', 'admin')).toBe(false);
  });

  it('lets unknown roles satisfy nothing', () => {
    expect(roleSatisfies('root' as Role, 'viewer')).toBe(false);
    expect(roleSatisfies(undefined as unknown as Role, 'viewer')).toBe(false);
    expect(roleSatisfies('admin', 'superadmin' as Role)).toBe(false);
    expect(isRole('Admin')).toBe(false);
  });
});

@Controller('things')
class ThingsController {
  @Get('list')
  @Roles('viewer')
  list(): string {
    return 'list';
  }

  @Get('delete')
  @Roles('admin')
  remove(): string {
    return 'delete';
  }

  @Get('health')
  @Public()
  health(): string {
    return 'ok';
  }

  @Get('forgotten')
  forgotten(): string {
    return 'oops';
  }
}

@Controller('admin')
@Roles('admin')
class AdminController {
  @Get('settings')
  settings(): string {
    return 'settings';
  }

  @Get('peek')
  @Roles('viewer')
  peek(): string {
    return 'peek';
  }

  @Get('both')
  @Public()
  @Roles('admin')
  both(): string {
    return 'both';
  }
}

@Controller('open')
@Public()
class OpenController {
  @Get('info')
  info(): string {
    return 'info';
  }

  @Get('locked')
  @Roles('admin')
  locked(): string {
    return 'locked';
  }
}

type Handler = (...args: never[]) => unknown;

/** A real Nest ExecutionContext for an HTTP request to `handler` carrying `user`. */
function httpContext(controller: abstract new (...args: never[]) => unknown, handler: Handler, user?: unknown): ExecutionContext {
  const request = { method: 'GET', url: '/', headers: {}, ...(user === undefined ? {} : { user }) };
  const reply = {};
  const context = new ExecutionContextHost([request, reply, undefined], controller as never, handler);
  context.setType('http');
  return context;
}

const guard = new RolesGuard(new Reflector());
const admin = { id: '1', username: 'root', role: 'admin', provider: 'local' };
const viewer = { id: '2', username: 'guest', role: 'viewer', provider: 'oidc' };

function outcome(context: ExecutionContext): 'allow' | 401 | 403 {
  try {
    return guard.canActivate(context) ? 'allow' : 403;
  } catch (error: unknown) {
    if (error instanceof UnauthorizedException) return 401;
    if (error instanceof ForbiddenException) return 403;
    throw error;
  }
}

describe('RolesGuard', () => {
  const things = ThingsController.prototype;
  const adminCtl = AdminController.prototype;
  const open = OpenController.prototype;

  it('lets sufficient roles through', () => {
    expect(outcome(httpContext(ThingsController, things.list, viewer))).toBe('allow');
    expect(outcome(httpContext(ThingsController, things.list, admin))).toBe('allow');
    expect(outcome(httpContext(ThingsController, things.remove, admin))).toBe('allow');
  });

  it('answers 401 without a user and 403 with an insufficient role', () => {
    expect(outcome(httpContext(ThingsController, things.list))).toBe(401);
    expect(outcome(httpContext(ThingsController, things.remove))).toBe(401);
    expect(outcome(httpContext(ThingsController, things.remove, viewer))).toBe(403);
  });

  it('allows @Public() routes without a user', () => {
    expect(outcome(httpContext(ThingsController, things.health))).toBe('allow');
    expect(outcome(httpContext(OpenController, open.info))).toBe('allow');
  });

  it('fails closed on routes with neither @Roles nor @Public, even for admins', () => {
    expect(outcome(httpContext(ThingsController, things.forgotten))).toBe(403);
    expect(outcome(httpContext(ThingsController, things.forgotten, admin))).toBe(403);
  });

  it('applies controller-level @Roles, with method metadata taking precedence', () => {
    expect(outcome(httpContext(AdminController, adminCtl.settings, viewer))).toBe(403);
    expect(outcome(httpContext(AdminController, adminCtl.settings, admin))).toBe('allow');
    expect(outcome(httpContext(AdminController, adminCtl.peek, viewer))).toBe('allow');
    expect(outcome(httpContext(OpenController, open.locked))).toBe(401);
    expect(outcome(httpContext(OpenController, open.locked, viewer))).toBe(403);
  });

  it('lets @Roles win over @Public on the same route', () => {
    expect(outcome(httpContext(AdminController, adminCtl.both))).toBe(401);
  });

  it('rejects users whose role is missing or malformed', () => {
    expect(outcome(httpContext(ThingsController, things.list, { id: '3', username: 'x' }))).toBe(403);
    expect(outcome(httpContext(ThingsController, things.list, { ...viewer, role: 'ADMIN' }))).toBe(403);
    expect(outcome(httpContext(ThingsController, things.list, 'admin'))).toBe(401);
  });

  it('denies non-HTTP contexts unless the handler is public', () => {
    const rpc = new ExecutionContextHost([{ user: admin }], ThingsController as never, things.list);
    rpc.setType('rpc');
    expect(outcome(rpc)).toBe(401);
    const publicRpc = new ExecutionContextHost([{}], ThingsController as never, things.health);
    publicRpc.setType('rpc');
    expect(outcome(publicRpc)).toBe('allow');
  });

  it('refuses @Roles() without a valid role at decoration time', () => {
    expect(() => (Roles as (...roles: string[]) => unknown)()).toThrow(TypeError);
    expect(() => Roles('owner' as Role)).toThrow(TypeError);
  });
});
