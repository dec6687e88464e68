-- Classifiers: the language the models saw in each record, and whether they cover it.

ALTER TABLE records ADD COLUMN text_lang TEXT;          -- ISO 639-1 from CLD2, 'und' if unsure
ALTER TABLE records ADD COLUMN scored BOOLEAN;          -- false: a language the models do not know

ALTER TABLE runs ADD COLUMN records_unscored BIGINT    -- coverage gap of the classifiers
