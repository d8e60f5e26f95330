-- Raising the pooling level (DESIGN §8): a merge of county pools into their city's pool, the dated
-- registry changes it made (so that a merge cancelled before its date can be undone exactly), the
-- transfer-up journals it posted, and an append-only audit trail of operations.

CREATE TABLE pool_merge (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_code      char(6) NOT NULL REFERENCES pooling_area (code),
  -- A merge takes effect at the start of an accounting month: the ledger closes by month.
  effective_date date NOT NULL CHECK (extract(day FROM effective_date) = 1),
  status         text NOT NULL CHECK (status IN ('scheduled', 'done', 'cancelled')),
  created_by     text NOT NULL CHECK (created_by <> ''),
  created_at     timestamptz NOT NULL DEFAULT now(),
  completed_by   text,
  completed_at   timestamptz,
  cancelled_by   text,
  cancelled_at   timestamptz,
  CHECK ((status = 'done') = (completed_at IS NOT NULL AND completed_by IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL AND cancelled_by IS NOT NULL))
);

-- The counties a merge brings into its city.
CREATE TABLE pool_merge_area (
  merge_id  bigint NOT NULL REFERENCES pool_merge (id),
  area_code char(6) NOT NULL REFERENCES pooling_area (code),
  PRIMARY KEY (merge_id, area_code)
);
CREATE INDEX pool_merge_area_area ON pool_merge_area (area_code);

-- The transfer-up journal (层级上划) a merge posted in each book.
CREATE TABLE pool_merge_journal (
  merge_id   bigint NOT NULL REFERENCES pool_merge (id),
  book       text NOT NULL REFERENCES book (code),
  journal_id bigint NOT NULL UNIQUE REFERENCES journal (id),
  PRIMARY KEY (merge_id, book)
);

-- Pack assignments a merge changed: a county's assignment 'ended' the day before the merge (its
-- end date before is kept), or one 'assigned' from the merge date (the city's pack).
CREATE TABLE pool_merge_pack (
  merge_id     bigint NOT NULL REFERENCES pool_merge (id),
  area_code    char(6) NOT NULL,
  scheme       char(3) NOT NULL,
  begin_date   date NOT NULL,
  change       text NOT NULL CHECK (change IN ('ended', 'assigned')),
  old_end_date date,
  PRIMARY KEY (merge_id, area_code, scheme, begin_date)
);

-- Enrolments a merge changed: a county enrolment 'split' (ended the day before the merge, its old end
-- kept, and continued by a city enrolment from the merge date) or 'moved' (begun on or after the
-- merge date, so its area was changed from the county to the city). psn_no leads, the distribution
-- column of person-owned tables (DESIGN §11).
CREATE TABLE pool_merge_enrolment (
  psn_no       text NOT NULL,
  scheme       char(3) NOT NULL,
  begin_date   date NOT NULL,
  merge_id     bigint NOT NULL REFERENCES pool_merge (id),
  change       text NOT NULL CHECK (change IN ('split', 'moved')),
  old_end_date date,
  old_area     char(6) NOT NULL,
  PRIMARY KEY (psn_no, scheme, begin_date, merge_id)
);
CREATE INDEX pool_merge_enrolment_merge ON pool_merge_enrolment (merge_id);

-- Who did what, when, from where, to what: one row per operation, never changed. General enough for
-- every write to come: action 'pool.merge.schedule', subject 'pool_merge/12', details as JSON.
CREATE TABLE audit_event (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL CHECK (actor <> ''),
  origin  text NOT NULL CHECK (origin <> ''),
  action  text NOT NULL CHECK (action <> ''),
  subject text NOT NULL CHECK (subject <> ''),
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_subject ON audit_event (subject, id);

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER pool_merge_journal_append_only BEFORE UPDATE OR DELETE ON pool_merge_journal
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
