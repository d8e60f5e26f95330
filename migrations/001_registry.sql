-- The registry: pooling areas, employers, persons and enrolment, designated institutions, the
-- catalogue and the policy packs. Person-owned tables carry psn_no as their distribution column
-- (DESIGN §11); areas, institutions, catalogue and packs are reference tables.

CREATE TABLE pooling_area (
  code        char(6) PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
  name        text NOT NULL CHECK (name <> ''),
  level       text NOT NULL CHECK (level IN ('province', 'city', 'county')),
  parent_code char(6) REFERENCES pooling_area (code),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'province') = (parent_code IS NULL))
);

CREATE TABLE employer (
  emp_no     text PRIMARY KEY CHECK (emp_no <> ''),
  name       text NOT NULL CHECK (name <> ''),
  area_code  char(6) NOT NULL REFERENCES pooling_area (code),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person (
  psn_no     text PRIMARY KEY CHECK (psn_no <> ''),
  certno     char(18) NOT NULL,
  name       text NOT NULL CHECK (name <> ''),
  gender     char(1) NOT NULL CHECK (gender IN ('1', '2')),
  birthday   date NOT NULL,
  area_code  char(6) NOT NULL REFERENCES pooling_area (code),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One person per ID card; kept in its own table so it can be distributed by certno.
CREATE TABLE person_certno (
  certno char(18) PRIMARY KEY,
  psn_no text NOT NULL
);

CREATE TABLE enrolment (
  psn_no      text NOT NULL REFERENCES person (psn_no),
  scheme      char(3) NOT NULL CHECK (scheme IN ('310', '390')),
  begin_date  date NOT NULL,
  end_date    date CHECK (end_date IS NULL OR end_date >= begin_date),
  status      text NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
  person_type text NOT NULL CHECK (person_type IN ('active', 'retired', 'resident', 'minor')),
  area_code   char(6) NOT NULL REFERENCES pooling_area (code),
  emp_no      text REFERENCES employer (emp_no),
  PRIMARY KEY (psn_no, scheme, begin_date),
  CHECK ((scheme = '310') = (person_type IN ('active', 'retired'))),
  CHECK (scheme = '390' OR emp_no IS NOT NULL OR person_type = 'retired')
);

CREATE TABLE institution (
  code             text PRIMARY KEY CHECK (code <> ''),
  name             text NOT NULL CHECK (name <> ''),
  level            text NOT NULL CHECK (level IN ('0', '1', '2', '3')),
  price_class      text CHECK (price_class IN ('1', '2-city', '2-county', '3')),
  area_code        char(6) NOT NULL REFERENCES pooling_area (code),
  agreement_status text NOT NULL CHECK (agreement_status IN ('active', 'suspended', 'ended')),
  agreement_begin  date NOT NULL,
  agreement_end    date CHECK (agreement_end IS NULL OR agreement_end >= agreement_begin),
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Each import of the catalogue is a new dated version; the version in force on a date is the
-- latest one whose valid_from is on or before it.
CREATE TABLE catalogue_version (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('items', 'diseases')),
  valid_from   date NOT NULL,
  source_name  text NOT NULL,
  content_hash text NOT NULL,
  row_count    integer NOT NULL CHECK (row_count >= 0),
  imported_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalogue_item (
  version_id     bigint NOT NULL REFERENCES catalogue_version (id),
  code           text NOT NULL CHECK (code <> ''),
  item_kind      text NOT NULL CHECK (item_kind IN ('drug', 'service', 'material')),
  name           text NOT NULL,
  class          char(2) NOT NULL CHECK (class IN ('01', '02', '03')),
  selfpay_bp     integer NOT NULL CHECK (selfpay_bp BETWEEN 0 AND 10000),
  price_cap_fen  bigint CHECK (price_cap_fen > 0),
  valid_from     date NOT NULL,
  valid_to       date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  PRIMARY KEY (version_id, code)
);

CREATE TABLE disease (
  version_id bigint NOT NULL REFERENCES catalogue_version (id),
  code       text NOT NULL CHECK (code ~ '^[A-Z][0-9]{2}'),
  name       text NOT NULL,
  PRIMARY KEY (version_id, code)
);

CREATE TABLE policy_pack (
  hash      text PRIMARY KEY,
  pack_id   text NOT NULL,
  version   text NOT NULL,
  label     text NOT NULL,
  source    text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- Which pack governs an area's scheme from which date (a merge ends the county packs).
CREATE TABLE area_pack (
  area_code  char(6) NOT NULL REFERENCES pooling_area (code),
  scheme     char(3) NOT NULL CHECK (scheme IN ('310', '390')),
  begin_date date NOT NULL,
  end_date   date CHECK (end_date IS NULL OR end_date >= begin_date),
  pack_hash  text NOT NULL REFERENCES policy_pack (hash),
  PRIMARY KEY (area_code, scheme, begin_date)
);
