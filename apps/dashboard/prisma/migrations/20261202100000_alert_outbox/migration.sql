-- Alerts are their own outbox: each transition NATS must hear of (opened,
-- severity changed, resolved) bumps "revision" in the statement that makes
-- it; the relay publishes to JetStream and then raises "published_revision",
-- so an event is never lost between the database and NATS.

-- AlterTable
ALTER TABLE "alert" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "alert" ADD COLUMN "published_revision" INTEGER NOT NULL DEFAULT 0;

-- What the relay looks for (hand-written: schema.prisma cannot express a partial index)
CREATE INDEX "alert_unpublished_idx" ON "alert"("raised_at") WHERE "published_revision" < "revision";
