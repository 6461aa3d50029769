-- add values "paid", "delivered" to enum order_status
ALTER TYPE public.order_status ADD VALUE 'paid' AFTER 'pending';
ALTER TYPE public.order_status ADD VALUE 'delivered' AFTER 'shipped';
