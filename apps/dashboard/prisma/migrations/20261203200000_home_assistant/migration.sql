-- Home Assistant: the last known entity states of each instance (by URL), so a
-- dashboard restarted while Home Assistant is offline still shows them, marked stale.
CREATE TABLE home_assistant_snapshot (
  instance   text PRIMARY KEY,
  entities   jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  saved_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT home_assistant_snapshot_entities_array CHECK (jsonb_typeof(entities) = 'array')
);
