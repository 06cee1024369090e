import './instrument.js';
import { runService } from '@homelab/platform';
import { serviceSpec } from './service.js';

await runService(serviceSpec);
