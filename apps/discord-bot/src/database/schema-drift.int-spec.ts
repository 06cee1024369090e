import { schemaDriftSuite } from '@homelab/database/testing';

schemaDriftSuite('discord-bot');
