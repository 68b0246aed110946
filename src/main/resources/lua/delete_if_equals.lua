-- Deletes a key only if it holds the given value: releases a lock its holder still holds, or
-- uses up a single-use nonce that is still the current one. KEYS: the key. ARGV: the value.
-- Returns 1 when deleted, 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
