-- Jarvis, the AI operator: conversations (each belongs to one user), their
-- messages and the tool calls the model made, with the approval a command
-- waited for. A conversation's turn is claimed by one replica at a time
-- (turn_instance, kept fresh in turn_seen_at; stop_requested reaches it from
-- another replica).

-- CreateTable
CREATE TABLE "jarvis_conversation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "trace_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'idle',
    "turn_instance" TEXT,
    "turn_seen_at" TIMESTAMPTZ(6),
    "stop_requested" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jarvis_conversation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jarvis_conversation_status_check" CHECK ("status" IN ('idle', 'running', 'awaiting_approval')),
    CONSTRAINT "jarvis_conversation_trace_id_check" CHECK ("trace_id" ~ '^[0-9a-f]{32}$')
);

-- CreateTable
CREATE TABLE "jarvis_message" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "conversation_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jarvis_message_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jarvis_message_role_check" CHECK ("role" IN ('user', 'assistant')),
    CONSTRAINT "jarvis_message_status_check" CHECK ("status" IN ('streaming', 'done', 'stopped', 'failed'))
);

-- CreateTable
CREATE TABLE "jarvis_tool_call" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "message_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "model_call_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arguments" JSONB,
    "status" TEXT NOT NULL,
    "summary" TEXT,
    "result" JSONB,
    "approval_id" UUID,
    "approval" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "jarvis_tool_call_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jarvis_tool_call_status_check" CHECK ("status" IN ('running', 'awaiting_approval', 'done', 'failed', 'denied'))
);

-- CreateIndex
CREATE INDEX "jarvis_conversation_user_id_updated_at_idx" ON "jarvis_conversation"("user_id", "updated_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "jarvis_message_conversation_id_position_key" ON "jarvis_message"("conversation_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "jarvis_tool_call_message_id_position_key" ON "jarvis_tool_call"("message_id", "position");

-- CreateIndex
CREATE INDEX "jarvis_tool_call_approval_id_idx" ON "jarvis_tool_call"("approval_id");

-- AddForeignKey (a user's conversations go with the account)
ALTER TABLE "jarvis_conversation" ADD CONSTRAINT "jarvis_conversation_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jarvis_message" ADD CONSTRAINT "jarvis_message_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "jarvis_conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jarvis_tool_call" ADD CONSTRAINT "jarvis_tool_call_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "jarvis_message"("id") ON DELETE CASCADE ON UPDATE CASCADE;
