-- Reserves one password check of an account from a client IP, or refuses it. The check counts
-- as a failure from the moment it is reserved, before its password is hashed, and this script
-- is one atomic step: however many attempts arrive at once, no more than the limits are ever
-- checked. A right password, or a check that could not be made, gives the reservation back
-- (login_release.lua).
-- KEYS: 1 the account+IP counter, 2 the IP's counter across accounts (both tagged {ip:<address>}).
-- ARGV: 1 window in ms, 2 checks allowed per account and IP, 3 failures allowed per IP.
-- Returns {1} when the check may proceed, {0, ms until the window ends} when it may not.
local function full(key, limit)
  if tonumber(redis.call('GET', key) or '0') >= tonumber(limit) then
    return math.max(redis.call('PTTL', key), 1)
  end
  return nil
end

local wait = full(KEYS[2], ARGV[3]) or full(KEYS[1], ARGV[2])
if wait then return { 0, wait } end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return { 1 }
