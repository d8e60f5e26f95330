-- Fund budgets (DESIGN §8; seeds 000, 003, 004): an annual budget per book, area and year (income
-- and expenditure, 以收定支、收支平衡、略有结余), and a total budget per designated institution, book
-- and year (总额预算) with the shares of it at which a warning is raised.
--
-- Budgets are versioned rows, never updated: setting a budget again adds the next version, with who
-- set it, when, and why, and the current budget is the highest version. An upsert would overwrite
-- the figures a report was once made on and lose who changed them; append-only rows keep the whole
-- history by construction (as the ledger does), and the triggers below refuse UPDATE and DELETE.
-- A write carries an idempotency key, unique here as in the `idempotency` table the service claims.

CREATE TABLE fund_budget (
  book            text NOT NULL REFERENCES book (code),
  area_code       char(6) NOT NULL REFERENCES pooling_area (code),
  year            smallint NOT NULL CHECK (year BETWEEN 1900 AND 2199),
  version         integer NOT NULL CHECK (version >= 1),
  income_fen      bigint NOT NULL CHECK (income_fen >= 0),
  expenditure_fen bigint NOT NULL CHECK (expenditure_fen >= 0),
  set_by          text NOT NULL CHECK (set_by <> ''),
  note            text,
  idem_key        text NOT NULL UNIQUE CHECK (idem_key <> ''),
  set_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (book, area_code, year, version)
);
CREATE INDEX fund_budget_year ON fund_budget (year, book);

CREATE TABLE institution_budget (
  institution_code text NOT NULL REFERENCES institution (code),
  book             text NOT NULL REFERENCES book (code),
  year             smallint NOT NULL CHECK (year BETWEEN 1900 AND 2199),
  version          integer NOT NULL CHECK (version >= 1),
  amount_fen       bigint NOT NULL CHECK (amount_fen > 0),
  -- Shares of the budget in basis points at which use raises a warning, ascending (e.g. {8000,9000,10000}).
  warn_shares_bp   integer[] NOT NULL DEFAULT '{}'
                   CHECK (0 < ALL (warn_shares_bp) AND 100000 >= ALL (warn_shares_bp)),
  set_by           text NOT NULL CHECK (set_by <> ''),
  note             text,
  idem_key         text NOT NULL UNIQUE CHECK (idem_key <> ''),
  set_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (institution_code, book, year, version)
);
CREATE INDEX institution_budget_year ON institution_budget (year, book);

CREATE TRIGGER fund_budget_append_only BEFORE UPDATE OR DELETE ON fund_budget
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER institution_budget_append_only BEFORE UPDATE OR DELETE ON institution_budget
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER fund_budget_no_truncate BEFORE TRUNCATE ON fund_budget
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER institution_budget_no_truncate BEFORE TRUNCATE ON institution_budget
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
