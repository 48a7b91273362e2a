-- Personal data (encrypted per field under a data key per person, itself wrapped by a master key),
-- KYC cases and their encrypted documents, the tamper-evident access log, and kitchen streams.

-- CreateTable
CREATE TABLE "person_key" (
    "user_id" UUID NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),

    CONSTRAINT "person_key_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "person_profile" (
    "user_id" UUID NOT NULL,
    "full_name" BYTEA,
    "email" BYTEA,
    "phone" BYTEA,
    "address" BYTEA,
    "birth_date" BYTEA,
    "nationality" BYTEA,
    "document_number" BYTEA,
    "email_index" TEXT,
    "phone_index" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_profile_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "kyc_case" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_ref" TEXT,
    "evidence_hash" TEXT,
    "decision_reason" TEXT,
    "reviewer_id" UUID,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kyc_case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kyc_document" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "case_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "cid" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kyc_document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_log" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" UUID,
    "actor_role" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "access_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kitchen_stream" (
    "restaurant_id" BIGINT NOT NULL,
    "provider" TEXT NOT NULL,
    "stream_key_hash" TEXT,
    "provider_ref" TEXT,
    "status" TEXT NOT NULL DEFAULT 'offline',
    "playback_url" TEXT,
    "last_seen_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kitchen_stream_pkey" PRIMARY KEY ("restaurant_id")
);

-- CreateTable
CREATE TABLE "stream_session" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "restaurant_id" BIGINT NOT NULL,
    "provider" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,

    CONSTRAINT "stream_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "person_profile_email_index_key" ON "person_profile"("email_index");

-- CreateIndex
CREATE INDEX "person_profile_phone_index_idx" ON "person_profile"("phone_index");

-- CreateIndex
CREATE INDEX "kyc_case_user_id_submitted_at_idx" ON "kyc_case"("user_id", "submitted_at");

-- CreateIndex
CREATE INDEX "kyc_case_status_submitted_at_idx" ON "kyc_case"("status", "submitted_at");

-- CreateIndex
CREATE UNIQUE INDEX "kyc_case_provider_provider_ref_key" ON "kyc_case"("provider", "provider_ref");

-- CreateIndex
CREATE INDEX "kyc_document_case_id_idx" ON "kyc_document"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "access_log_hash_key" ON "access_log"("hash");

-- CreateIndex
CREATE INDEX "access_log_subject_id_idx" ON "access_log"("subject_id");

-- CreateIndex
CREATE INDEX "stream_session_restaurant_id_started_at_idx" ON "stream_session"("restaurant_id", "started_at");

-- AddForeignKey
ALTER TABLE "person_key" ADD CONSTRAINT "person_key_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "person_profile" ADD CONSTRAINT "person_profile_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kyc_case" ADD CONSTRAINT "kyc_case_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kyc_document" ADD CONSTRAINT "kyc_document_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "kyc_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kitchen_stream" ADD CONSTRAINT "kitchen_stream_restaurant_id_fkey" FOREIGN KEY ("restaurant_id") REFERENCES "restaurant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stream_session" ADD CONSTRAINT "stream_session_restaurant_id_fkey" FOREIGN KEY ("restaurant_id") REFERENCES "restaurant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The access log is append-only: rows can be added, never changed or removed.
CREATE FUNCTION "access_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only';
END;
$$;

CREATE TRIGGER "access_log_no_update" BEFORE UPDATE OR DELETE ON "access_log"
  FOR EACH ROW EXECUTE FUNCTION "access_log_append_only"();

CREATE TRIGGER "access_log_no_truncate" BEFORE TRUNCATE ON "access_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "access_log_append_only"();
