-- Online settlement: each person's running totals per policy year and scheme, the settlements with
-- their fee lines and fund rows, and reversals. All carry psn_no, their distribution column.

CREATE TABLE person_totals (
  psn_no     text NOT NULL,
  year       smallint NOT NULL,
  scheme     char(3) NOT NULL CHECK (scheme IN ('310', '390')),
  -- counters by the pack's slot names, e.g. {"deductible:inpatient": 70000, "cap:pool": 123400}
  totals     jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (psn_no, year, scheme)
);

CREATE TABLE settlement (
  psn_no            text NOT NULL,
  setl_id           text NOT NULL,
  idem_key          text NOT NULL,
  input_hash        text NOT NULL,
  mdtrt_id          text NOT NULL,
  scheme            char(3) NOT NULL,
  person_type       text NOT NULL,
  med_type          text NOT NULL,
  institution_code  text NOT NULL REFERENCES institution (code),
  insured_area      char(6) NOT NULL REFERENCES pooling_area (code),
  care_area         char(6) NOT NULL,
  setl_date         date NOT NULL,
  pack_hash         text NOT NULL REFERENCES policy_pack (hash),
  catalogue_version bigint NOT NULL REFERENCES catalogue_version (id),
  medfee_sumamt     bigint NOT NULL CHECK (medfee_sumamt >= 0),
  fulamt_ownpay_amt bigint NOT NULL CHECK (fulamt_ownpay_amt >= 0),
  overlmt_selfpay   bigint NOT NULL CHECK (overlmt_selfpay >= 0),
  preselfpay_amt    bigint NOT NULL CHECK (preselfpay_amt >= 0),
  inscp_scp_amt     bigint NOT NULL CHECK (inscp_scp_amt >= 0),
  deductible        bigint NOT NULL CHECK (deductible >= 0),
  hifp_pay          bigint NOT NULL CHECK (hifp_pay >= 0),
  pool_rate_bp      integer NOT NULL,
  hifob_pay         bigint NOT NULL CHECK (hifob_pay >= 0),
  hifmi_pay         bigint NOT NULL CHECK (hifmi_pay >= 0),
  maf_pay           bigint NOT NULL CHECK (maf_pay >= 0),
  fund_pay_sumamt   bigint NOT NULL CHECK (fund_pay_sumamt >= 0),
  psn_part_amt      bigint NOT NULL CHECK (psn_part_amt >= 0),
  acct_pay          bigint NOT NULL CHECK (acct_pay >= 0),
  psn_cash_pay      bigint NOT NULL CHECK (psn_cash_pay >= 0),
  totals_delta      jsonb NOT NULL,
  -- null when the settlement moved no fund money (everything paid in cash)
  journal_id        bigint REFERENCES journal (id),
  trace             jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (psn_no, setl_id),
  CHECK (medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt),
  CHECK (psn_part_amt = medfee_sumamt - fund_pay_sumamt),
  CHECK (psn_part_amt = acct_pay + psn_cash_pay)
);
CREATE INDEX settlement_institution_date ON settlement (institution_code, setl_date);

CREATE TABLE settlement_line (
  psn_no        text NOT NULL,
  setl_id       text NOT NULL,
  seq           smallint NOT NULL,
  code          text NOT NULL,
  class         char(2) NOT NULL,
  amount        bigint NOT NULL CHECK (amount >= 0),
  selfpay_bp    integer NOT NULL,
  price_cap_fen bigint,
  PRIMARY KEY (psn_no, setl_id, seq),
  FOREIGN KEY (psn_no, setl_id) REFERENCES settlement (psn_no, setl_id)
);

CREATE TABLE settlement_fund (
  psn_no        text NOT NULL,
  setl_id       text NOT NULL,
  fund_pay_type text NOT NULL,
  amount        bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (psn_no, setl_id, fund_pay_type),
  FOREIGN KEY (psn_no, setl_id) REFERENCES settlement (psn_no, setl_id)
);

-- A reversal (2208) is a row of its own, so a settlement row is never changed: at most one each.
CREATE TABLE settlement_reversal (
  psn_no     text NOT NULL,
  setl_id    text NOT NULL,
  idem_key   text NOT NULL,
  journal_id bigint REFERENCES journal (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (psn_no, setl_id),
  FOREIGN KEY (psn_no, setl_id) REFERENCES settlement (psn_no, setl_id)
);

CREATE TRIGGER settlement_append_only BEFORE UPDATE OR DELETE ON settlement
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER settlement_line_append_only BEFORE UPDATE OR DELETE ON settlement_line
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER settlement_fund_append_only BEFORE UPDATE OR DELETE ON settlement_fund
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER settlement_reversal_append_only BEFORE UPDATE OR DELETE ON settlement_reversal
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
