-- Runs once, when the PostgreSQL data volume is empty (docker-entrypoint-initdb.d).
-- One database per service, owned by POSTGRES_USER (homelab); each service
-- applies its own migrations to its database at start-up.
CREATE DATABASE homelab_dashboard;
CREATE DATABASE homelab_stream_bot;
CREATE DATABASE homelab_discord_bot;
CREATE DATABASE homelab_jarvis_guard;
CREATE DATABASE homelab_automation;
