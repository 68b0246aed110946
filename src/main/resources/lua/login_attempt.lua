-- Counts a login attempt of one account from one client IP in a fixed window.
-- KEYS: the counter. ARGV: window in ms, attempts allowed.
-- Returns {1} when the attempt may proceed, {0, ms until the window ends} when it may not.
-- A successful login deletes the counter, so only failures accumulate.
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) then
  return { 0, redis.call('PTTL', KEYS[1]) }
end
return { 1 }
