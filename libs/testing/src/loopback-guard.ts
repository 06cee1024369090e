/**
 * Vitest setupFile (see vitest.shared.ts): runs in every test worker before
 * the test files, so no test can reach an address off this machine.
 */
import { installLoopbackGuard } from './loopback.js';

installLoopbackGuard();
