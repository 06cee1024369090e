-- CreateTable
CREATE TABLE "approval" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "command" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "caller" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "binding" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(6),
    "decision_reason" TEXT,
    "used_at" TIMESTAMPTZ(6),

    CONSTRAINT "approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_bucket" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rate_bucket_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "guard_session" (
    "id" TEXT NOT NULL,
    "caller" TEXT NOT NULL,
    "consecutive_denials" INTEGER NOT NULL DEFAULT 0,
    "suspended_at" TIMESTAMPTZ(6),
    "suspended_reason" TEXT,
    "resumed_by" TEXT,
    "resumed_at" TIMESTAMPTZ(6),
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guard_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "approval_status_expires_at_idx" ON "approval"("status", "expires_at");

-- Not expressible in schema.prisma: the states an approval can be in.
ALTER TABLE "approval" ADD CONSTRAINT "approval_status_check"
    CHECK ("status" IN ('pending', 'approved', 'denied', 'expired', 'used'));
