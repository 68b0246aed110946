-- Claims an admin write's Idempotency-Key, or reports what the key already holds.
-- KEYS: 1 the key's record (a hash: fp, state PENDING|DONE, status, body, type).
-- ARGV: 1 the request's fingerprint, 2 how long a claim lives without a result (ms).
-- Returns {'NEW'}, {'IN_FLIGHT'}, {'MISMATCH'} (the key was used for another request) or
-- {'DONE', status, body, content type}.
local found = redis.call('HMGET', KEYS[1], 'fp', 'state', 'status', 'body', 'type')
if not found[1] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'PENDING')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'NEW'}
end
if found[1] ~= ARGV[1] then return {'MISMATCH'} end
if found[2] ~= 'DONE' then return {'IN_FLIGHT'} end
return {'DONE', found[3], found[4], found[5]}
