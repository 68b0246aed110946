-- Counts a login attempt of one account from one client IP in a fixed window, and refuses it
-- while that account has had too many attempts from that IP, or that IP too many failures
-- across all accounts (password spraying).
-- KEYS: 1 the account+IP counter, 2 the IP's failure counter.
-- ARGV: 1 window in ms, 2 attempts allowed per account and IP, 3 failures allowed per IP.
-- Returns {1} when the attempt may proceed, {0, ms until the window ends} when it may not.
-- A successful login deletes counter 1; a failed one adds to counter 2 (login_failed.lua).
local ipFailures = tonumber(redis.call('GET', KEYS[2]) or '0')
if ipFailures >= tonumber(ARGV[3]) then
  return { 0, redis.call('PTTL', KEYS[2]) }
end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) then
  return { 0, redis.call('PTTL', KEYS[1]) }
end
return { 1 }
