-- drop materialized view item_count
DROP MATERIALIZED VIEW public.item_count;

-- drop view cheap_items
DROP VIEW public.cheap_items;

-- drop view item_prices
DROP VIEW public.item_prices;

-- alter column items.price (type)
ALTER TABLE public.items ALTER COLUMN price TYPE numeric(10,2) USING price::numeric(10,2);

-- alter column items.name (type)
ALTER TABLE public.items ALTER COLUMN name TYPE text USING name::text;

-- create materialized view item_count
CREATE MATERIALIZED VIEW public.item_count AS
SELECT count(*) AS n FROM items;

-- create view item_prices
CREATE VIEW public.item_prices AS
SELECT id, price, name FROM items;

-- create view cheap_items
CREATE VIEW public.cheap_items AS
SELECT id, name FROM item_prices WHERE price < 10;
