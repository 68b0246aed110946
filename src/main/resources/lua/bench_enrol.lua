-- The "bare EVALSHA" baseline of the load-test harness: a minimal enrolment (check a seat,
-- take it, add to the roster) to compare the full selection route against.
-- KEYS: seats hash, roster set. ARGV: section, student.
local left = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if left <= 0 then return -1 end
redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
redis.call('SADD', KEYS[2], ARGV[2])
return left - 1
