-- The operator's console: accounts and sessions, host metrics, monitors,
-- domains, alerts, one-click databases and their backups.

-- ---------------------------------------------------------------- accounts
-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "username" TEXT NOT NULL,
    "display_name" TEXT,
    "password_hash" TEXT,
    "role" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "oidc_issuer" TEXT,
    "oidc_subject" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(6),

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_session" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "user_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limit_bucket" (
    "key" TEXT NOT NULL,
    "hits" INTEGER NOT NULL,
    "reset_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "rate_limit_bucket_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_username_key" ON "app_user"("username");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_oidc_issuer_oidc_subject_key" ON "app_user"("oidc_issuer", "oidc_subject");

-- CreateIndex
CREATE INDEX "user_session_user_id_idx" ON "user_session"("user_id");

-- CreateIndex
CREATE INDEX "user_session_expires_at_idx" ON "user_session"("expires_at");

-- CreateIndex
CREATE INDEX "rate_limit_bucket_reset_at_idx" ON "rate_limit_bucket"("reset_at");

-- AddForeignKey
ALTER TABLE "user_session" ADD CONSTRAINT "user_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddCheckConstraint (hand-written)
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_role_check" CHECK ("role" IN ('viewer', 'admin'));
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_provider_check" CHECK ("provider" IN ('local', 'oidc'));
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_local_password_check" CHECK ("provider" <> 'local' OR "password_hash" IS NOT NULL);

-- CreateTable
CREATE TABLE "job_lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "job_lease_pkey" PRIMARY KEY ("name")
);

-- ------------------------------------------------------------ host metrics
-- CreateTable
CREATE TABLE "host_metric_sample" (
    "host" TEXT NOT NULL,
    "resolution_s" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "cpu_percent" DOUBLE PRECISION,
    "load1" DOUBLE PRECISION,
    "load5" DOUBLE PRECISION,
    "load15" DOUBLE PRECISION,
    "mem_used_bytes" BIGINT,
    "mem_total_bytes" BIGINT,
    "swap_used_bytes" BIGINT,
    "swap_total_bytes" BIGINT,
    "disk_used_bytes" BIGINT,
    "disk_total_bytes" BIGINT,
    "net_rx_bytes_per_s" DOUBLE PRECISION,
    "net_tx_bytes_per_s" DOUBLE PRECISION,
    "cpu_temp_c" DOUBLE PRECISION,
    "details" JSONB NOT NULL DEFAULT '{}',
    "sample_count" INTEGER NOT NULL DEFAULT 1,
    "cpu_percent_max" DOUBLE PRECISION,
    "mem_used_bytes_max" BIGINT,
    "net_rx_bytes_per_s_max" DOUBLE PRECISION,
    "net_tx_bytes_per_s_max" DOUBLE PRECISION,
    "cpu_temp_c_max" DOUBLE PRECISION,

    CONSTRAINT "host_metric_sample_pkey" PRIMARY KEY ("host", "resolution_s", "at")
);

-- CreateIndex
CREATE INDEX "host_metric_sample_at_idx" ON "host_metric_sample"("at");

-- CreateIndex
CREATE INDEX "host_metric_sample_host_at_idx" ON "host_metric_sample"("host", "at");

-- AddCheckConstraint (hand-written)
ALTER TABLE "host_metric_sample" ADD CONSTRAINT "host_metric_sample_counts_check" CHECK ("resolution_s" > 0 AND "sample_count" > 0);

-- ---------------------------------------------------------------- monitors
-- CreateTable
CREATE TABLE "monitor_result" (
    "id" BIGSERIAL NOT NULL,
    "target_kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "response_ms" INTEGER,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "monitor_result_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "monitor_result_target_kind_target_checked_at_idx" ON "monitor_result"("target_kind", "target", "checked_at" DESC);

-- CreateIndex
CREATE INDEX "monitor_result_checked_at_idx" ON "monitor_result"("checked_at");

-- AddCheckConstraint (hand-written)
ALTER TABLE "monitor_result" ADD CONSTRAINT "monitor_result_target_kind_check" CHECK ("target_kind" IN ('service', 'domain'));
ALTER TABLE "monitor_result" ADD CONSTRAINT "monitor_result_status_check" CHECK ("status" IN ('up', 'degraded', 'down'));

-- CreateTable
CREATE TABLE "monitored_domain" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 443,
    "path" TEXT NOT NULL DEFAULT '/',
    "warn_days" INTEGER,
    "critical_days" INTEGER,
    "link_scan" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "monitored_domain_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "monitored_domain_name_port_path_key" ON "monitored_domain"("name", "port", "path");

-- CreateTable
CREATE TABLE "link_scan" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "domain_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "pages" INTEGER NOT NULL DEFAULT 0,
    "links" INTEGER NOT NULL DEFAULT 0,
    "broken" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,

    CONSTRAINT "link_scan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "link_scan_domain_id_started_at_idx" ON "link_scan"("domain_id", "started_at" DESC);

-- AddForeignKey
ALTER TABLE "link_scan" ADD CONSTRAINT "link_scan_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "monitored_domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddCheckConstraint (hand-written)
ALTER TABLE "link_scan" ADD CONSTRAINT "link_scan_status_check" CHECK ("status" IN ('running', 'done', 'failed'));

-- ------------------------------------------------------------------ alerts
-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "raised_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(6),
    "acknowledged_at" TIMESTAMPTZ(6),
    "acknowledged_by" TEXT,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_raised_at_idx" ON "alert"("raised_at" DESC);

-- One open alert per condition (hand-written: schema.prisma cannot express a partial index)
CREATE UNIQUE INDEX "alert_open_key" ON "alert"("key") WHERE "resolved_at" IS NULL;

-- AddCheckConstraint (hand-written)
ALTER TABLE "alert" ADD CONSTRAINT "alert_severity_check" CHECK ("severity" IN ('warning', 'critical'));

-- ------------------------------------------------------ one-click databases
-- CreateTable
CREATE TABLE "managed_database" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "docker_host" TEXT NOT NULL,
    "container_name" TEXT NOT NULL,
    "container_id" TEXT,
    "volume" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "host_port" INTEGER,
    "username" TEXT,
    "database_name" TEXT,
    "password_secret" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "progress" TEXT,
    "error" TEXT,
    "backup_schedule" TEXT,
    "backup_retention" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "managed_database_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "managed_database_name_key" ON "managed_database"("name");

-- AddCheckConstraint (hand-written)
ALTER TABLE "managed_database" ADD CONSTRAINT "managed_database_engine_check" CHECK ("engine" IN ('postgres', 'mariadb', 'redis', 'mongodb'));
ALTER TABLE "managed_database" ADD CONSTRAINT "managed_database_status_check" CHECK ("status" IN ('creating', 'ready', 'failed', 'removed'));

-- CreateTable
CREATE TABLE "database_backup" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "database_id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "scheduled_for" TIMESTAMPTZ(6),
    "status" TEXT NOT NULL,
    "file" TEXT,
    "size_bytes" BIGINT,
    "sha256" TEXT,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "error" TEXT,

    CONSTRAINT "database_backup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "database_backup_database_id_started_at_idx" ON "database_backup"("database_id", "started_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "database_backup_database_id_scheduled_for_key" ON "database_backup"("database_id", "scheduled_for");

-- AddForeignKey
ALTER TABLE "database_backup" ADD CONSTRAINT "database_backup_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "managed_database"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddCheckConstraint (hand-written)
ALTER TABLE "database_backup" ADD CONSTRAINT "database_backup_trigger_check" CHECK ("trigger" IN ('schedule', 'manual', 'pre-restore'));
ALTER TABLE "database_backup" ADD CONSTRAINT "database_backup_status_check" CHECK ("status" IN ('running', 'succeeded', 'failed', 'pruned'));

-- CreateTable
CREATE TABLE "database_restore" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "database_id" UUID NOT NULL,
    "backup_id" UUID NOT NULL,
    "safety_backup_id" UUID,
    "status" TEXT NOT NULL,
    "requested_by" TEXT,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "error" TEXT,

    CONSTRAINT "database_restore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "database_restore_database_id_started_at_idx" ON "database_restore"("database_id", "started_at" DESC);

-- AddForeignKey
ALTER TABLE "database_restore" ADD CONSTRAINT "database_restore_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "managed_database"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "database_restore" ADD CONSTRAINT "database_restore_backup_id_fkey" FOREIGN KEY ("backup_id") REFERENCES "database_backup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddCheckConstraint (hand-written)
ALTER TABLE "database_restore" ADD CONSTRAINT "database_restore_status_check" CHECK ("status" IN ('running', 'succeeded', 'failed'));
