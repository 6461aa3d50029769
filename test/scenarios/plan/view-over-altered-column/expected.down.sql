-- undo create view cheap_items
DROP VIEW public.cheap_items;

-- undo create view item_prices
DROP VIEW public.item_prices;

-- undo create materialized view item_count
DROP MATERIALIZED VIEW public.item_count;

-- undo alter column items.name (type)
ALTER TABLE public.items ALTER COLUMN name TYPE character varying(20) USING name::character varying(20);

-- undo alter column items.price (type)
ALTER TABLE public.items ALTER COLUMN price TYPE integer USING price::integer;

-- undo drop view item_prices
CREATE VIEW public.item_prices AS
SELECT id, price, name FROM items;

-- undo drop view cheap_items
CREATE VIEW public.cheap_items AS
SELECT id, name FROM item_prices WHERE price < 10;

-- undo drop materialized view item_count
CREATE MATERIALIZED VIEW public.item_count AS
SELECT count(*) AS n FROM items;
