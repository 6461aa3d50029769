-- undo add values "paid", "delivered" to enum order_status
ALTER TYPE public.order_status RENAME TO order_status__old;
CREATE TYPE public.order_status AS ENUM ('pending', 'shipped');
ALTER TABLE public.orders ALTER COLUMN status DROP DEFAULT;
ALTER TABLE public.orders ALTER COLUMN status TYPE public.order_status USING status::text::public.order_status;
ALTER TABLE public.orders ALTER COLUMN status SET DEFAULT 'pending';
DROP TYPE public.order_status__old;
