-- undo create trigger t_touch on t
DROP TRIGGER t_touch ON public.t;

-- undo create function touch()
DROP FUNCTION public.touch();
