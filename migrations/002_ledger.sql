-- The fund ledger (DESIGN §7): double entry, append-only, integer fen. A posting is a transfer of
-- a positive amount from one account to another in the same book, so every book balances by
-- construction; the stored debit and credit totals of an account are its running balance and
-- `tongchou ledger check` proves they equal the sum of its postings.

CREATE TABLE book (
  code text PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO book (code, name) VALUES
  ('employee-pool', '职工基本医疗保险统筹基金'),
  ('personal-account', '职工基本医疗保险个人账户'),
  ('resident-pool', '城乡居民基本医疗保险基金'),
  ('critical-illness', '大病保险'),
  ('maternity', '生育保险'),
  ('adjustment', '省级调剂金');

CREATE TABLE account (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  book        text NOT NULL REFERENCES book (code),
  code        text NOT NULL CHECK (code <> ''),
  kind        text NOT NULL CHECK (kind IN ('fund', 'income', 'expense', 'payable', 'personal', 'clearing')),
  area_code   char(6) REFERENCES pooling_area (code),
  owner       text,
  normal      char(1) NOT NULL CHECK (normal IN ('D', 'C')),
  no_negative boolean NOT NULL,
  debits      bigint NOT NULL DEFAULT 0 CHECK (debits >= 0),
  credits     bigint NOT NULL DEFAULT 0 CHECK (credits >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (book, code),
  -- The balance on an account's normal side never goes below zero when it must not.
  CONSTRAINT account_not_negative CHECK (
    NOT no_negative OR (normal = 'C' AND debits <= credits) OR (normal = 'D' AND credits <= debits)
  )
);

CREATE TABLE journal (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idem_key       text NOT NULL UNIQUE CHECK (idem_key <> ''),
  input_hash     text NOT NULL,
  kind           text NOT NULL,
  effective_date date NOT NULL,
  reverses       bigint UNIQUE REFERENCES journal (id),
  memo           jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posting (
  journal_id     bigint NOT NULL REFERENCES journal (id),
  seq            smallint NOT NULL CHECK (seq >= 0),
  book           text NOT NULL REFERENCES book (code),
  debit_account  bigint NOT NULL REFERENCES account (id),
  credit_account bigint NOT NULL REFERENCES account (id),
  amount         bigint NOT NULL CHECK (amount > 0),
  PRIMARY KEY (journal_id, seq),
  CHECK (debit_account <> credit_account)
);
CREATE INDEX posting_debit_account ON posting (debit_account);
CREATE INDEX posting_credit_account ON posting (credit_account);

-- A month closed for a book and area takes no more journals dated in it.
CREATE TABLE closed_period (
  period    char(7) NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  book      text NOT NULL REFERENCES book (code),
  closed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book, period)
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'TC001';
END;
$$;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER posting_append_only BEFORE UPDATE OR DELETE ON posting
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER closed_period_append_only BEFORE UPDATE OR DELETE ON closed_period
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER posting_no_truncate BEFORE TRUNCATE ON posting
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Idempotency of every write: the same key with the same input returns the first result; with a
-- different input it is refused. The row is inserted first in the writing transaction, so a
-- concurrent copy of the request waits for it and then reads the answer.
CREATE TABLE idempotency (
  idem_key   text PRIMARY KEY CHECK (idem_key <> ''),
  operation  text NOT NULL,
  input_hash text NOT NULL,
  result     jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
