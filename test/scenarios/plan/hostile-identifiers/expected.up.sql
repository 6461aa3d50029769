-- create schema Select; DROP
CREATE SCHEMA "Select; DROP";

-- create enum "Select; DROP"."Mood's"
CREATE TYPE "Select; DROP"."Mood's" AS ENUM ('it''s', 'a "quote"', 'ünïcode');

-- create table "Select; DROP"."""Order"" Items"
CREATE TABLE "Select; DROP"."""Order"" Items" (
  "user" integer NOT NULL,
  "select" text DEFAULT '''; DROP TABLE plain; --',
  "Mixed Case Col" "Select; DROP"."Mood's",
  "ünïcödé" text,
  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa integer,
  CONSTRAINT """Order"" Items_pkey" PRIMARY KEY ("user")
);
CREATE INDEX "idx; drop" ON "Select; DROP"."""Order"" Items" ("select");
COMMENT ON TABLE "Select; DROP"."""Order"" Items" IS 'it''s -- not a comment; DROP TABLE x';

-- add column plain.table
ALTER TABLE public.plain ADD COLUMN "table" text;
COMMENT ON COLUMN public.plain."table" IS 'semi; colon';
