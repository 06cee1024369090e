import { schemaDriftSuite } from '@homelab/database/testing';

schemaDriftSuite('jarvis-guard');
