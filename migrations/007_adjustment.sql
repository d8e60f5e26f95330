-- The provincial adjustment fund (省级调剂金, DESIGN §8): one row per province, scheme and year that
-- `tongchou adjust` posted, with the hash of the inputs it computed from, the result it reported and
-- the journal it posted to the adjustment book. A year is posted once: the same inputs replay this
-- row, other inputs are refused. Rows are never changed (the triggers below refuse it).

CREATE TABLE adjustment_run (
  province_code char(6) NOT NULL REFERENCES pooling_area (code),
  scheme        char(3) NOT NULL CHECK (scheme IN ('310', '390')),
  year          smallint NOT NULL CHECK (year BETWEEN 1900 AND 2199),
  style         text NOT NULL CHECK (style IN ('fujian', 'shanxi')),
  pack_hash     text NOT NULL REFERENCES policy_pack (hash),
  input_hash    text NOT NULL,
  -- Null only when every figure was 0 and there was nothing to post.
  journal_id    bigint UNIQUE REFERENCES journal (id),
  result        jsonb NOT NULL,
  posted_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, scheme, year)
);

CREATE TRIGGER adjustment_run_append_only BEFORE UPDATE OR DELETE ON adjustment_run
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
