-- A refusal from inside one statement. A journal posted as a single deferred statement (sent with
-- COMMIT, no round trip of its own) cannot stop between reading and writing, so the statement
-- itself raises: SQLSTATE TC001, the service's error code in DETAIL, a message a person can act on.
CREATE FUNCTION tc_require(ok boolean, code text, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION USING ERRCODE = 'TC001', MESSAGE = message, DETAIL = code;
  END IF;
  RETURN true;
END
$$;
