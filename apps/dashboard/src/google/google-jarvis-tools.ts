import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createGoogleTools, GoogleService } from '@homelab/dashboard-google';
import { JarvisToolRegistry } from '@homelab/jarvis';

/**
 * Registers Jarvis's Google tools (calendar_upcoming, gmail_unread, drive_recent — all
 * read-only) with the registry JarvisModule (global) exports, when Google is configured; the
 * model is not offered tools that could only answer "not configured".
 */
@Injectable()
export class GoogleJarvisTools implements OnModuleInit {
  constructor(
    @Inject(JarvisToolRegistry) private readonly registry: JarvisToolRegistry,
    @Inject(GoogleService) private readonly google: GoogleService,
  ) {}

  onModuleInit(): void {
    if (!this.google.configured) return;
    for (const tool of createGoogleTools(this.google)) this.registry.register(tool);
  }
}
