-- Settlement writes in one statement, with no foreign-key checks on its hot path.
--
-- A foreign-key check is a row lock (FOR KEY SHARE) taken on the referenced row by every insert: on
-- the shared rows every settlement references (its area, pack, catalogue version, institution,
-- book, accounts) concurrent settlements turn those locks into multixacts, and a settlement paid
-- about thirty of them. The references stay exact by other means:
--  * the referenced rows are never deleted and their keys never change (the triggers below), so a
--    reference that was valid when written stays valid;
--  * every row of a settlement and of its journal is written by one statement, from rows that the
--    same statement reads or writes (the journal's accounts, the settlement's journal) or that the
--    settlement read before (person, institution, pack, catalogue version);
--  * `tongchou ledger check` and the integrity checks of the test suite look for any orphan.

ALTER TABLE settlement_line DROP CONSTRAINT settlement_line_psn_no_setl_id_fkey;
ALTER TABLE settlement_fund DROP CONSTRAINT settlement_fund_psn_no_setl_id_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_institution_code_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_insured_area_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_pack_hash_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_catalogue_version_fkey;
ALTER TABLE settlement DROP CONSTRAINT settlement_journal_id_fkey;
ALTER TABLE posting DROP CONSTRAINT posting_journal_id_fkey;
ALTER TABLE posting DROP CONSTRAINT posting_book_fkey;
ALTER TABLE posting DROP CONSTRAINT posting_debit_account_fkey;
ALTER TABLE posting DROP CONSTRAINT posting_credit_account_fkey;

CREATE FUNCTION refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is referenced by the ledger and the settlements: % of a row or of its key refused',
    TG_TABLE_NAME, TG_OP USING ERRCODE = 'TC001';
END;
$$;

CREATE TRIGGER pooling_area_kept BEFORE DELETE ON pooling_area FOR EACH ROW EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER pooling_area_key_kept BEFORE UPDATE OF code ON pooling_area
  FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER institution_kept BEFORE DELETE ON institution FOR EACH ROW EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER institution_key_kept BEFORE UPDATE OF code ON institution
  FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER policy_pack_kept BEFORE DELETE ON policy_pack FOR EACH ROW EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER policy_pack_key_kept BEFORE UPDATE OF hash ON policy_pack
  FOR EACH ROW WHEN (OLD.hash IS DISTINCT FROM NEW.hash) EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER catalogue_version_kept BEFORE DELETE ON catalogue_version
  FOR EACH ROW EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER catalogue_version_key_kept BEFORE UPDATE OF id ON catalogue_version
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER book_kept BEFORE DELETE ON book FOR EACH ROW EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER book_key_kept BEFORE UPDATE OF code ON book
  FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER account_kept BEFORE DELETE ON account FOR EACH ROW EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER account_key_kept BEFORE UPDATE OF id, book, code ON account
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.book IS DISTINCT FROM NEW.book
                     OR OLD.code IS DISTINCT FROM NEW.code)
  EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER pooling_area_no_truncate BEFORE TRUNCATE ON pooling_area
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER institution_no_truncate BEFORE TRUNCATE ON institution
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER policy_pack_no_truncate BEFORE TRUNCATE ON policy_pack
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER catalogue_version_no_truncate BEFORE TRUNCATE ON catalogue_version
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER book_no_truncate BEFORE TRUNCATE ON book FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal();
CREATE TRIGGER account_no_truncate BEFORE TRUNCATE ON account FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal();

-- A write computed from what an earlier statement read, refused when that no longer holds, with the
-- SQLSTATE of a serialization failure so that the writer (or its caller's transaction) retries.
CREATE FUNCTION tc_retry_unless(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = message;
  END IF;
  RETURN true;
END
$$;
