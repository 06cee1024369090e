-- DropTable (audit_record held no production data; its shape changes completely:
-- `seq` becomes the primary key, typed columns replace actor/subject)
DROP TABLE "audit_record";

-- CreateTable
CREATE TABLE "audit_record" (
    "seq" BIGINT NOT NULL,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "action" TEXT,
    "caller" TEXT NOT NULL,
    "session_id" TEXT,
    "host" TEXT,
    "command" TEXT,
    "decision" TEXT,
    "rule" TEXT,
    "approver" TEXT,
    "reason" TEXT,
    "exit_code" INTEGER,
    "duration_ms" INTEGER,
    "output_sha256" TEXT,
    "trace_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_record_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "audit_record_recorded_at_idx" ON "audit_record"("recorded_at");

-- CreateIndex
CREATE INDEX "audit_record_caller_recorded_at_idx" ON "audit_record"("caller", "recorded_at");

-- CreateIndex
CREATE INDEX "audit_record_session_id_recorded_at_idx" ON "audit_record"("session_id", "recorded_at");

-- CreateIndex
CREATE INDEX "audit_record_host_recorded_at_idx" ON "audit_record"("host", "recorded_at");

-- CreateIndex
CREATE INDEX "audit_record_trace_id_idx" ON "audit_record"("trace_id");

-- AddCheckConstraint (hand-written: Prisma's diff ignores CHECK constraints)
ALTER TABLE "audit_record"
    ADD CONSTRAINT "audit_record_seq_check" CHECK ("seq" > 0),
    ADD CONSTRAINT "audit_record_kind_check" CHECK ("kind" IN ('evaluation', 'approval', 'execution', 'rollback', 'suspension')),
    ADD CONSTRAINT "audit_record_duration_ms_check" CHECK ("duration_ms" >= 0),
    ADD CONSTRAINT "audit_record_output_sha256_check" CHECK ("output_sha256" ~ '^[0-9a-f]{64}$'),
    ADD CONSTRAINT "audit_record_details_check" CHECK (jsonb_typeof("details") = 'object'),
    ADD CONSTRAINT "audit_record_hash_check" CHECK ("hash" ~ '^[0-9a-f]{64}$' AND "prev_hash" ~ '^[0-9a-f]{64}$');

-- Hash chain (hand-written; libs/guard-audit/README.md explains the design).
--
-- hash = sha256(prev_hash || canonical JSON of the content fields, seq and recordedAt):
-- keys sorted by code point, no whitespace, strings escaped as to_json does, numbers
-- as PostgreSQL prints them, absent values as null. @homelab/guard-audit's verifier
-- recomputes exactly this in Node, independently of these functions.

-- Canonical JSON of a jsonb value (recursive, so PL/pgSQL: SQL functions cannot call themselves).
-- Scalars are printed inline rather than by a recursive call: one call per container.
CREATE FUNCTION "audit_canonical_json"(value JSONB) RETURNS TEXT
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(value)
        WHEN 'object' THEN
            RETURN '{' || coalesce((
                SELECT string_agg(to_json(member.key)::text || ':' || CASE WHEN jsonb_typeof(member.value) IN ('object', 'array')
                                  THEN "audit_canonical_json"(member.value) ELSE member.value::text END,
                                  ',' ORDER BY member.key COLLATE "C")
                  FROM jsonb_each(value) AS member), '') || '}';
        WHEN 'array' THEN
            RETURN '[' || coalesce((
                SELECT string_agg(CASE WHEN jsonb_typeof(element.value) IN ('object', 'array')
                                  THEN "audit_canonical_json"(element.value) ELSE element.value::text END,
                                  ',' ORDER BY element.position)
                  FROM jsonb_array_elements(value) WITH ORDINALITY AS element(value, position)), '') || ']';
        ELSE
            RETURN value::text;
    END CASE;
END
$$;

-- The canonical JSON of one record's content (everything but prev_hash and hash).
-- PL/pgSQL rather than SQL: its expression plan is cached per session, while a
-- non-inlined SQL function is planned again on every call from the trigger.
CREATE FUNCTION "audit_record_content"(r "audit_record") RETURNS TEXT
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN '{"action":' || coalesce(to_json(r."action")::text, 'null')
    || ',"approver":' || coalesce(to_json(r."approver")::text, 'null')
    || ',"caller":' || coalesce(to_json(r."caller")::text, 'null')
    || ',"command":' || coalesce(to_json(r."command")::text, 'null')
    || ',"decision":' || coalesce(to_json(r."decision")::text, 'null')
    || ',"details":' || coalesce("audit_canonical_json"(r."details"), 'null')
    || ',"durationMs":' || coalesce(r."duration_ms"::text, 'null')
    || ',"exitCode":' || coalesce(r."exit_code"::text, 'null')
    || ',"host":' || coalesce(to_json(r."host")::text, 'null')
    || ',"kind":' || coalesce(to_json(r."kind")::text, 'null')
    || ',"outputSha256":' || coalesce(to_json(r."output_sha256")::text, 'null')
    || ',"reason":' || coalesce(to_json(r."reason")::text, 'null')
    || ',"recordedAt":"' || to_char(r."recorded_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"'
    || ',"rule":' || coalesce(to_json(r."rule")::text, 'null')
    || ',"seq":' || r."seq"::text
    || ',"sessionId":' || coalesce(to_json(r."session_id")::text, 'null')
    || ',"traceId":' || coalesce(to_json(r."trace_id")::text, 'null')
    || '}';
END
$$;

-- Assigns seq, recorded_at, prev_hash and hash to every inserted row, whatever the
-- client sent. The transaction-scoped advisory lock (key 1635083380, 'audt' in ASCII)
-- makes appends from every replica take turns; it is held until commit, and the next
-- holder's SELECT (a new snapshot: READ COMMITTED) sees the row just committed, so seq
-- is gap-free and each prev_hash is the hash of the record before. The lock is held
-- only while the server runs this INSERT: one round trip per append, no hot head row.
CREATE FUNCTION "audit_record_chain"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
DECLARE
    tip RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(1635083380);
    SELECT "seq", "hash", "recorded_at" INTO tip FROM "audit_record" ORDER BY "seq" DESC LIMIT 1;
    IF FOUND THEN
        NEW."seq" := tip."seq" + 1;
        NEW."prev_hash" := tip."hash";
        -- time never runs backwards along the chain, even when the clock is stepped back
        NEW."recorded_at" := greatest(clock_timestamp(), tip."recorded_at");
    ELSE
        NEW."seq" := 1;
        NEW."prev_hash" := repeat('0', 64);
        NEW."recorded_at" := clock_timestamp();
    END IF;
    NEW."hash" := encode(sha256(convert_to(NEW."prev_hash" || "audit_record_content"(NEW), 'UTF8')), 'hex');
    RETURN NEW;
END
$$;

CREATE TRIGGER "audit_record_chain" BEFORE INSERT ON "audit_record"
    FOR EACH ROW EXECUTE FUNCTION "audit_record_chain"();

-- Append-only: UPDATE, DELETE and TRUNCATE are refused, whoever runs them. Only the
-- table's owner or a superuser can disable or drop this trigger; the service's role
-- must be neither (README: roles). What a superuser does anyway is caught by the
-- hash chain and the signed chain head kept outside the database.
CREATE FUNCTION "audit_record_refuse_change"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_record is append-only: % refused', TG_OP
        USING HINT = 'Audit records are never changed or removed; append a correcting record instead.';
END
$$;

CREATE TRIGGER "audit_record_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_record"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_record_refuse_change"();

COMMENT ON TABLE "audit_record" IS 'jarvis-guard audit log: append-only (triggers), hash-chained (seq, prev_hash, hash); verify with `guard audit verify`.';
