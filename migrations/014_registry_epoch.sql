-- The registry's epoch: a counter that every change to what settlement reads of the registry moves,
-- in the changing transaction, so that a process may keep what it read (institutions, catalogue
-- versions and items, pack assignments) for as long as the epoch it reads with each claim is the
-- one it read them at.
--
-- One row, moved by a statement-level trigger on each table the cache keeps: no code path that
-- changes those tables (an import, an agreement suspended, a pack assigned, a hand-written UPDATE)
-- can forget it. It is a row and not a sequence because a sequence moves before its transaction
-- commits: a reader could see the new epoch, read the old rows, and keep them under it.

CREATE TABLE registry_epoch (
  id    smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  epoch bigint NOT NULL DEFAULT 0
);
INSERT INTO registry_epoch DEFAULT VALUES;

CREATE FUNCTION move_registry_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE registry_epoch SET epoch = epoch + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER institution_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON institution
  FOR EACH STATEMENT EXECUTE FUNCTION move_registry_epoch();
CREATE TRIGGER catalogue_version_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalogue_version
  FOR EACH STATEMENT EXECUTE FUNCTION move_registry_epoch();
CREATE TRIGGER catalogue_item_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalogue_item
  FOR EACH STATEMENT EXECUTE FUNCTION move_registry_epoch();
CREATE TRIGGER area_pack_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON area_pack
  FOR EACH STATEMENT EXECUTE FUNCTION move_registry_epoch();
