-- Search that finds Chinese substrings of two characters and more (养老, 学位) on PGlite and PostgreSQL alike.
-- pg_trgm needs three characters; instead every searchable row keeps the set of its lower-cased character
-- bigrams in a GIN-indexed text[] column. A query's bigrams must all be in that set (the index finds the
-- candidates), then an ILIKE on the text itself confirms the substring.
CREATE FUNCTION minsheng_bigrams(input text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(input), i, 2)), '{}'::text[])
  FROM generate_series(1, char_length(coalesce(input, '')) - 1) AS i
$$;
