-- Staff of the REST API (issue 4): users with a password hash (scrypt), one role each, the pooling
-- areas their role covers (each with its subtree), and their sessions. The audit trail
-- (audit_event, 005) gains the role, the outcome (a write done, or a request refused), the client's
-- address and the request id, so that it says who, in what role, did or tried what, from where.

CREATE TABLE staff_user (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  -- 'scrypt$N$r$p$salt-base64$hash-base64'
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  role          text NOT NULL CHECK (role IN ('handler', 'reviewer', 'approver', 'fund_manager', 'analyst',
                                              'supervisor', 'administrator')),
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The areas a user's role covers: an area covers itself and every area below it.
CREATE TABLE staff_area (
  username  text NOT NULL REFERENCES staff_user (username),
  area_code char(6) NOT NULL REFERENCES pooling_area (code),
  PRIMARY KEY (username, area_code)
);

-- A session is a random bearer token; only its SHA-256 is kept, so a copy of the table signs no one in.
CREATE TABLE staff_session (
  token_hash text PRIMARY KEY CHECK (length(token_hash) = 64),
  username   text NOT NULL REFERENCES staff_user (username),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  origin     text NOT NULL
);
CREATE INDEX staff_session_user ON staff_session (username);

ALTER TABLE audit_event
  ADD COLUMN role       text,
  ADD COLUMN outcome    text NOT NULL DEFAULT 'done' CHECK (outcome IN ('done', 'refused')),
  ADD COLUMN ip         text,
  ADD COLUMN request_id text;
CREATE INDEX audit_event_actor ON audit_event (actor, id);
