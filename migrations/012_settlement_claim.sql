-- What a settlement was settled on that its row did not keep: the diagnoses (ICD-10) and the
-- person's tags (family-doctor contract, assistance group). A pack's disease modifiers and tag
-- rules read them, so a simulation re-settling stored settlements (`simulate --from-db`) needs
-- them too. Settlements made before this migration have none recorded.
ALTER TABLE settlement
  ADD COLUMN diseases text[] NOT NULL DEFAULT '{}',
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
