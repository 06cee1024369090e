-- Google (Calendar, Gmail, Drive): the one Google account of this installation.
-- Tokens are DataCipher ciphertexts (AES-256-GCM, DATA_ENCRYPTION_KEYS), never plain.
-- "generation" changes on every connect: a token refresh that began before a
-- reconnect cannot write into the new connection.

-- CreateTable
CREATE TABLE "google_account" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "generation" UUID NOT NULL,
    "email" TEXT,
    "scopes" TEXT NOT NULL,
    "refresh_token_secret" TEXT NOT NULL,
    "access_token_secret" TEXT,
    "access_expires_at" TIMESTAMPTZ(6),
    "needs_reconnect" BOOLEAN NOT NULL DEFAULT false,
    "last_error" TEXT,
    "connected_by" UUID,
    "connected_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "refreshed_at" TIMESTAMPTZ(6),
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "google_account_pkey" PRIMARY KEY ("id")
);

-- One account per installation (hand-written: schema.prisma cannot express a CHECK)
ALTER TABLE "google_account" ADD CONSTRAINT "google_account_single_row_check" CHECK ("id" = 1);
