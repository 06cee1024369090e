import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@homelab/auth';
import { notBuiltPage } from './not-built-page.js';
import { ApiRouteNotFoundError, WebFileNotFoundError } from './web-errors.js';
import { classifyPath, WEB_UI, WebUi } from './web-ui.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Serves the single-page UI: hashed assets cached for a year, and index.html
 * (never cached, so a new build is picked up at once) for every client-side
 * route. Registered last, so every API route wins over the catch-all.
 */
@Public()
@Controller()
export class WebController {
  constructor(@Inject(WEB_UI) private readonly ui: WebUi) {}

  @Get('*')
  serve(@Req() request: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
    const target = classifyPath(path);
    if (target.kind === 'api') throw new ApiRouteNotFoundError(path);
    if (target.kind === 'missing-file') throw new WebFileNotFoundError(path);
    if (!this.ui.isBuilt()) {
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notBuiltPage(this.ui.dir));
    }
    if (target.kind === 'asset') {
      return reply.sendFile(target.file, this.ui.assetsDir, { immutable: true, maxAge: YEAR_MS, cacheControl: true });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', this.ui.dir, { cacheControl: false });
  }
}
