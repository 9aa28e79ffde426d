-- qikberry-outbox schema, version 1. The same text for SQLite and PostgreSQL; `@ID@` is the
-- dialect's auto-assigned 64-bit key. Times are milliseconds since the Unix epoch.

-- One row per message, keyed by the user's reference.
CREATE TABLE outbox_messages (
    id @ID@,
    reference TEXT NOT NULL UNIQUE,
    campaign TEXT,
    -- The `Message` as JSON.
    payload TEXT NOT NULL,
    -- queued | sending | reconciling | unknown | submitted | delivered | failed | expired
    -- | rejected | undeliverable | refused
    state TEXT NOT NULL,
    -- rest | smpp: the transport of the latest claim (decides what a doubt becomes).
    channel TEXT,
    -- Claims so far; a claim is identified by (id, attempts).
    attempts BIGINT NOT NULL DEFAULT 0,
    -- The worker of the latest claim, and the end of its lease while `sending`.
    worker TEXT,
    lease_until BIGINT,
    -- Not claimed before this time (a retry after a send that surely did not happen).
    not_before BIGINT NOT NULL DEFAULT 0,
    -- While in doubt: since when, next lookup by reference, lookups made.
    in_doubt_since BIGINT,
    recon_after BIGINT,
    lookups BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    group_id TEXT,
    -- The latest delivery status word reported for any part (e.g. DELIVRD).
    status TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    final_at BIGINT
);
CREATE INDEX outbox_messages_queued ON outbox_messages (id) WHERE state = 'queued';
CREATE INDEX outbox_messages_lease ON outbox_messages (lease_until) WHERE state = 'sending';
CREATE INDEX outbox_messages_worker ON outbox_messages (worker) WHERE state = 'sending';
CREATE INDEX outbox_messages_doubt ON outbox_messages (recon_after) WHERE state = 'reconciling';
CREATE INDEX outbox_messages_campaign ON outbox_messages (campaign, state);

-- One row per platform message id of a message (a multi-part SMPP text has one per part).
CREATE TABLE outbox_parts (
    message_id BIGINT NOT NULL,
    part_no BIGINT NOT NULL,
    platform_id TEXT NOT NULL,
    -- `platform_id` trimmed, lower-case, without leading zeros: what receipts are matched on.
    platform_key TEXT NOT NULL,
    status TEXT,
    -- 1 once `status` is final.
    final BIGINT NOT NULL DEFAULT 0,
    event_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, platform_key)
);
CREATE INDEX outbox_parts_key ON outbox_parts (platform_key);

-- Reports for ids no message has yet (a receipt that overtook the send's own answer).
CREATE TABLE outbox_pending (
    id @ID@,
    platform_key TEXT NOT NULL,
    status TEXT NOT NULL,
    event_at BIGINT,
    received_at BIGINT NOT NULL
);
CREATE INDEX outbox_pending_key ON outbox_pending (platform_key);
