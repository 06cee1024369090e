import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Jarvis } from '@homelab/jarvis';
import { JARVIS } from './jarvis.tokens.js';

/** On shutdown, running turns are stopped and stored (bounded), and their streams end. */
@Injectable()
export class JarvisLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(JARVIS) private readonly jarvis: Jarvis) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.jarvis.engine.shutdown(3000);
  }
}
