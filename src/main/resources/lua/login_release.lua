-- Gives back a password check reserved by login_attempt.lua.
-- ARGV[1] "right": the password was right; the account+IP counter starts afresh.
-- ARGV[1] "unchecked": nothing was checked (no account read, the hashing queue full, a store
-- away); both counters are as they were before the reservation, so refusals that were not
-- guesses (a campus behind one address meeting a full queue at the opening) never lock anyone.
-- Either way the IP's counter loses the reservation: only wrong passwords add up per IP.
-- KEYS: 1 the account+IP counter, 2 the IP's counter.
local function giveBack(key)
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end

if ARGV[1] == 'right' then redis.call('DEL', KEYS[1]) else giveBack(KEYS[1]) end
giveBack(KEYS[2])
return 1
