-- The HTTP interface (issue 4): institution credentials for signed requests, the nonces already
-- seen, sign-ins of the national interface (9001/9002), and the first answer given to each
-- message id (msgid), so that a repeated message returns it and changes nothing.

-- An institution signs every call with HMAC-SHA256 under a secret. Verifying an HMAC needs the
-- secret itself (a hash of it would not do), so it is stored as issued: whoever can read this table
-- can sign as the institution. Protect the database accordingly; rotate by creating a new
-- credential and revoking the old one. A revoked credential never verifies again.
CREATE TABLE api_credential (
  key_id           text PRIMARY KEY CHECK (key_id ~ '^tck_[0-9a-f]{16}$'),
  institution_code text NOT NULL REFERENCES institution (code),
  secret           text NOT NULL CHECK (length(secret) >= 32),
  created_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at       timestamptz
);
CREATE INDEX api_credential_institution ON api_credential (institution_code) WHERE revoked_at IS NULL;

-- A nonce is accepted once per institution. It is kept until the signed timestamp that came with it
-- leaves the acceptance window (expires_at); after that a replay is refused as stale instead, so
-- expired rows can be deleted. Kept in the database, a nonce stays spent across a restart.
CREATE TABLE api_nonce (
  institution_code text NOT NULL,
  nonce            text NOT NULL,
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (institution_code, nonce)
);
CREATE INDEX api_nonce_expiry ON api_nonce (expires_at);

-- 9001 sign-in: one row per sign-in, found by its sign_no; 9002 sets signed_out_at. The msgid of
-- the 9001 message is unique per institution, so a repeated sign-in message gives the same sign_no.
CREATE TABLE api_sign_in (
  sign_no          text PRIMARY KEY,
  institution_code text NOT NULL REFERENCES institution (code),
  msgid            text NOT NULL,
  opter            text NOT NULL,
  signed_in_at     timestamptz NOT NULL,
  signed_out_at    timestamptz,
  UNIQUE (institution_code, msgid)
);

-- The first successful answer to each message of an institution. A refusal is not stored (it
-- wrote nothing, and the same msgid may be sent again once the cause is fixed). input_hash is the
-- hash of infno and input: the same msgid with another transaction or input is refused.
CREATE TABLE api_message (
  institution_code text NOT NULL,
  msgid            text NOT NULL,
  infno            text NOT NULL,
  input_hash       text NOT NULL,
  answer           jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (institution_code, msgid)
);
