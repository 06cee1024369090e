import { schemaDriftSuite } from '@homelab/database/testing';

schemaDriftSuite('stream-bot');
