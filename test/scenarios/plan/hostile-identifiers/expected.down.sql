-- undo add column plain.table
ALTER TABLE public.plain DROP COLUMN "table";

-- undo create table "Select; DROP"."""Order"" Items"
DROP TABLE "Select; DROP"."""Order"" Items";

-- undo create enum "Select; DROP"."Mood's"
DROP TYPE "Select; DROP"."Mood's";

-- undo create schema Select; DROP
DROP SCHEMA "Select; DROP";
