-- CreateTable
CREATE TABLE "service_observation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "service" TEXT NOT NULL,
    "instance_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "details" JSONB,
    "observed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_observation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "service_observation_service_observed_at_idx" ON "service_observation"("service", "observed_at" DESC);

-- AddCheckConstraint (hand-written: schema.prisma cannot express CHECK constraints)
ALTER TABLE "service_observation" ADD CONSTRAINT "service_observation_status_check" CHECK ("status" IN ('up', 'degraded', 'down'));
