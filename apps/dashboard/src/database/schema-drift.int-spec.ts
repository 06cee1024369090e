import { schemaDriftSuite } from '@homelab/database/testing';

schemaDriftSuite('dashboard');
