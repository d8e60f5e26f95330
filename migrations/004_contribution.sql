-- Contributions: an employee's monthly contribution (employer and employee shares, the part
-- credited to the personal account), a retiree's monthly account credit, a resident's annual
-- contribution (individual share and fiscal subsidy). Each is posted to the ledger.

CREATE TABLE contribution (
  psn_no         text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('employee-monthly', 'retiree-account', 'resident-annual')),
  period         text NOT NULL CHECK (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2]))?$'),
  scheme         char(3) NOT NULL CHECK (scheme IN ('310', '390')),
  area_code      char(6) NOT NULL REFERENCES pooling_area (code),
  emp_no         text REFERENCES employer (emp_no),
  base_fen       bigint CHECK (base_fen >= 0),
  employer_fen   bigint NOT NULL DEFAULT 0 CHECK (employer_fen >= 0),
  employee_fen   bigint NOT NULL DEFAULT 0 CHECK (employee_fen >= 0),
  subsidy_fen    bigint NOT NULL DEFAULT 0 CHECK (subsidy_fen >= 0),
  pool_fen       bigint NOT NULL DEFAULT 0 CHECK (pool_fen >= 0),
  account_fen    bigint NOT NULL DEFAULT 0 CHECK (account_fen >= 0),
  pack_hash      text NOT NULL REFERENCES policy_pack (hash),
  idem_key       text NOT NULL,
  journal_id     bigint NOT NULL REFERENCES journal (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (psn_no, kind, period)
);

CREATE TRIGGER contribution_append_only BEFORE UPDATE OR DELETE ON contribution
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
