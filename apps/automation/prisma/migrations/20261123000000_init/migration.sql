-- CreateTable
CREATE TABLE "sync_run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "summary" JSONB,

    CONSTRAINT "sync_run_pkey" PRIMARY KEY ("id")
);

-- AddCheckConstraint (hand-written: schema.prisma cannot express CHECK constraints)
ALTER TABLE "sync_run" ADD CONSTRAINT "sync_run_kind_check" CHECK ("kind" IN ('plan', 'apply', 'drift'));

-- AddCheckConstraint (hand-written: schema.prisma cannot express CHECK constraints)
ALTER TABLE "sync_run" ADD CONSTRAINT "sync_run_status_check" CHECK ("status" IN ('running', 'succeeded', 'failed'));
