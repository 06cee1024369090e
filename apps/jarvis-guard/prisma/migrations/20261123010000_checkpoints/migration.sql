-- CreateTable
CREATE TABLE "checkpoint" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "host" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "caller" TEXT NOT NULL,
    "paths" JSONB NOT NULL,
    "containers" JSONB NOT NULL,
    "payload" JSONB NOT NULL,
    "restored_at" TIMESTAMPTZ(6),

    CONSTRAINT "checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "checkpoint_host_created_at_idx" ON "checkpoint"("host", "created_at" DESC);

-- Hand-written (schema.prisma cannot express it): a checkpoint is written once and
-- restored at most once. The only UPDATE allowed sets restored_at on a row that has
-- none; everything else about a row is immutable.
CREATE FUNCTION "checkpoint_restore_once"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD."restored_at" IS NOT NULL THEN
        RAISE EXCEPTION 'checkpoint % was already restored at %', OLD."id", OLD."restored_at" USING ERRCODE = 'check_violation';
    END IF;
    IF NEW."restored_at" IS NULL
       OR (NEW."id", NEW."created_at", NEW."host", NEW."command", NEW."caller", NEW."paths", NEW."containers", NEW."payload")
          IS DISTINCT FROM (OLD."id", OLD."created_at", OLD."host", OLD."command", OLD."caller", OLD."paths", OLD."containers", OLD."payload") THEN
        RAISE EXCEPTION 'checkpoint rows are immutable; only restored_at may be set, once' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "checkpoint_restore_once" BEFORE UPDATE ON "checkpoint"
    FOR EACH ROW EXECUTE FUNCTION "checkpoint_restore_once"();
