-- What a write changed, for the audit trail, made where both documents
-- are: the representation before (NULL for a create) and after (NULL for
-- a delete). For an update, only the fields that differ, bookkeeping
-- (updated_at, version) left out: {"before": {field: old}, "after":
-- {field: new}}; a field the record did not have before counts as null.
CREATE FUNCTION audit_changes(before jsonb, after jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN before IS NULL OR after IS NULL
        THEN jsonb_build_object('before', before, 'after', after)
        ELSE (SELECT jsonb_build_object(
                  'before', coalesce(jsonb_object_agg(a.key, coalesce(before -> a.key, 'null'::jsonb)), '{}'),
                  'after', coalesce(jsonb_object_agg(a.key, a.value), '{}'))
              FROM jsonb_each(after) AS a
              WHERE a.key NOT IN ('updated_at', 'version')
                AND (before -> a.key) IS DISTINCT FROM a.value)
    END
$$;
