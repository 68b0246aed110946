-- Stores the result of an admin write under its claimed Idempotency-Key, or (status empty)
-- releases the claim so that a retry runs again. Only the claim of the same request is touched.
-- KEYS: 1 the key's record. ARGV: 1 fingerprint, 2 status ('' to release), 3 body, 4 content type,
-- 5 how long the result is kept (ms).
if redis.call('HGET', KEYS[1], 'fp') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'state', 'DONE', 'status', ARGV[2], 'body', ARGV[3], 'type', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
