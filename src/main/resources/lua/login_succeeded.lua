-- A reserved password check (login_attempt.lua) was right: the account+IP counter starts
-- afresh and the IP's reservation is given back, so only wrong passwords add up per IP.
-- KEYS: 1 the account+IP counter, 2 the IP's counter.
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
