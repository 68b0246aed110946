-- An admin edits a term whose live state is loaded: the scripts' copy of its settings follows.
-- KEYS[1]: the term hash. ARGV: field, value, ... Returns 1 when written, 0 when not loaded.
if redis.call('HEXISTS', KEYS[1], 'ready') == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
