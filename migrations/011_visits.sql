-- Visits (就诊) of the national interface (issue 4): an outpatient registration (2201) or an
-- admission (2401), its diagnoses (2203/2402), its uploaded fee details (2204/2301) and the
-- settlement that closed it. A visit belongs to the institution that registered it; mdtrt_id is
-- assigned by Tongchou. Rows carry psn_no so that they can be distributed with the person.

CREATE TABLE visit (
  mdtrt_id         text PRIMARY KEY,
  psn_no           text NOT NULL,
  institution_code text NOT NULL REFERENCES institution (code),
  kind             text NOT NULL CHECK (kind IN ('outpatient', 'inpatient')),
  insutype         char(3) CHECK (insutype IN ('310', '390')),
  med_type         text,
  ipt_otp_no       text,
  begntime         timestamp NOT NULL,
  -- discharge (2402); cleared by its cancellation (2405)
  endtime          timestamp,
  -- diagnoses as ICD-10 codes, main first (2203, 2401, 2402)
  diseases         jsonb NOT NULL DEFAULT '[]',
  -- the settlement in force (2207/2304), cleared when it is reversed (2208/2305)
  setl_id          text,
  cancelled_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visit_person ON visit (psn_no);
CREATE INDEX visit_institution ON visit (institution_code, created_at);

-- One uploaded fee line, with the classification answered at upload (fen, basis points). A
-- cancelled line (2205/2302, or 2601 of its upload) keeps its row with cancelled_at set.
CREATE TABLE visit_fee (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mdtrt_id          text NOT NULL REFERENCES visit (mdtrt_id),
  psn_no            text NOT NULL,
  feedetl_sn        text NOT NULL,
  chrg_bchno        text,
  med_list_codg     text NOT NULL,
  cnt               numeric(12, 4) NOT NULL CHECK (cnt > 0),
  pric              bigint CHECK (pric >= 0),
  amount            bigint NOT NULL CHECK (amount >= 0),
  chrgitm_lv        char(2) NOT NULL,
  selfpay_bp        integer NOT NULL,
  price_cap_fen     bigint,
  fulamt_ownpay_amt bigint NOT NULL CHECK (fulamt_ownpay_amt >= 0),
  overlmt_amt       bigint NOT NULL CHECK (overlmt_amt >= 0),
  preselfpay_amt    bigint NOT NULL CHECK (preselfpay_amt >= 0),
  inscp_scp_amt     bigint NOT NULL CHECK (inscp_scp_amt >= 0),
  -- the idempotency key of the upload message (nhsa:<institution>:<msgid>), for 2601
  upload_key        text NOT NULL,
  fee_ocur_time     timestamp,
  cancelled_at      timestamptz,
  CHECK (amount = fulamt_ownpay_amt + overlmt_amt + preselfpay_amt + inscp_scp_amt)
);
CREATE UNIQUE INDEX visit_fee_live_sn ON visit_fee (mdtrt_id, feedetl_sn) WHERE cancelled_at IS NULL;
CREATE INDEX visit_fee_upload ON visit_fee (upload_key);
